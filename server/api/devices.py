"""The hall's devices for supervisors and admins — kind, window, last seen, app version, outbox size and open
faults (folded from the devices' own fault facts, server/devices/health.py) — and the hall strip's notice,
set by an admin and published to the hall controller. Both confined to the caller's hall."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy import select

from server.api.deps import AdminUser, Clock, DbSession, SessionDevice, require_role
from server.api.errors import ApiError
from server.devices.models import DeviceHealth, HallNotice
from server.devices.presence import Presence
from server.store.audit import audit_change
from server.sync import changes
from server.sync.models import SyncDevice
from shared.db.models import Device, Hall, StaffUser, Window
from shared.protocol.devices import NOTICE_TABLE, DeviceList, DeviceOut, NoticeIn, NoticeOut, notice_row

router = APIRouter(prefix="/api/v1", tags=["devices"])
Overseer = Annotated[StaffUser, Depends(require_role("supervisor", "admin"))]


def _hall(session: DbSession, user: StaffUser, hall_id: int | None) -> int:
    """The caller's own hall; a city-level account (no hall) names one."""
    if user.hall_id is not None:
        if hall_id is not None and hall_id != user.hall_id:
            raise ApiError(403, "hall_forbidden", "只能查看本大厅（another hall's devices）", hall=hall_id)
        return user.hall_id
    if hall_id is None:
        raise ApiError(422, "hall_required", "请指定大厅（hall_id is required for an account without a hall）")
    if session.get(Hall, hall_id) is None:
        raise ApiError(404, "unknown_hall", "大厅不存在", hall=hall_id)
    return hall_id


@router.get("/devices", response_model=DeviceList)
def list_devices(request: Request, session: DbSession, user: Overseer,
                 hall_id: Annotated[int | None, Query()] = None) -> DeviceList:
    hall = _hall(session, user, hall_id)
    presence: Presence = request.app.state.device_presence
    rows = session.execute(
        select(Device, SyncDevice.last_seen_at, DeviceHealth.faults, Window.number, SyncDevice.revoked_at)
        .outerjoin(SyncDevice, SyncDevice.device_id == Device.id)
        .outerjoin(DeviceHealth, DeviceHealth.device_id == Device.id)
        .outerjoin(Window, Window.id == Device.window_id)
        .where(Device.hall_id == hall).order_by(Device.kind, Window.number, Device.name)).all()
    out = []
    for device, pushed_at, faults, window_number, revoked_at in rows:
        seen = presence.get(device.id)
        last = max((t for t in (pushed_at, seen.at if seen else None) if t is not None), default=None)
        out.append(DeviceOut(id=device.id, kind=device.kind, name=device.name, hall_id=device.hall_id,
                             window_id=device.window_id, window_number=window_number, active=device.active,
                             revoked=revoked_at is not None,
                             last_seen_at=last, app_version=seen.app_version if seen else "",
                             outbox_pending=seen.outbox_pending if seen else None, faults=faults or []))
    return DeviceList(hall_id=hall, devices=out)


@router.get("/halls/{hall_id}/notice", response_model=NoticeOut)
def get_notice(hall_id: int, session: DbSession, user: Overseer) -> NoticeOut:
    hall = _hall(session, user, hall_id)
    notice = session.get(HallNotice, hall)
    if notice is None:
        return NoticeOut(hall_id=hall, text="")
    return NoticeOut.model_validate(notice)


@router.put("/halls/{hall_id}/notice", response_model=NoticeOut)
def set_notice(hall_id: int, body: NoticeIn, session: DbSession, admin: AdminUser,
               clock: Clock, device: SessionDevice) -> NoticeOut:
    hall = _hall(session, admin, hall_id)
    now = clock()
    notice = session.get(HallNotice, hall) or HallNotice(hall_id=hall)
    before = {"text": notice.text} if notice.text is not None else None
    notice.text, notice.updated_by, notice.updated_at = body.text, admin.username, now
    session.add(notice)
    changes.publish(session, hall, f"hall:{hall}", NOTICE_TABLE, str(hall),
                          notice_row(hall_id=hall, text=body.text, updated_at=now.isoformat()), now=now)
    audit_change(session, admin.username, "hall.notice", str(hall), before, {"text": body.text}, device)
    session.flush()  # DbSession wakes the hall's devices once this commits: the strip changes within a second
    return NoticeOut.model_validate(notice)
