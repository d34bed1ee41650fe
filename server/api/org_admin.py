"""Organisation admin: centres, halls, floors and windows. A hall-bound admin edits their own hall only
(require_role's hall check); centres and new halls are for an admin of no hall. Every change is audited with
its before and after, and published to the halls' devices at once."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from server.api.change_audit import audit_change
from server.api.deps import AdminUser, Clock, DbSession
from server.api.errors import ApiError
from server.store.models import WindowSetting
from server.sync.reference import publish_all_halls
from shared.org_rows import LedAddressInvalid, led_bus_address
from shared.db.models import Centre, Floor, Hall, StaffUser, Window
from shared.public_url import InvalidPublicUrl, public_base
from shared.protocol.org_admin import (CentreIn, CentreOut, FloorAdminOut, FloorIn, FloorPatch, HallCreate, HallPatch,
                                       WindowAdminOut, WindowCreate, WindowPatch)
from shared.protocol.org import HallSummary

router = APIRouter(prefix="/api/v1/admin", tags=["admin: organisation"])


def centre_wide(admin: AdminUser) -> StaffUser:
    """An admin of no hall: centres and new halls are above any one hall (checked before the body is read)."""
    if admin.hall_id is not None:
        raise ApiError(403, "hall_forbidden", "只有中心管理员可以管理中心和新建大厅（a hall admin acts in their own hall only）")
    return admin


centre_wide.centre_only = True  # type: ignore[attr-defined]  # read by the role matrix
CentreAdmin = Annotated[StaffUser, Depends(centre_wide)]


def hall_or_404(session: Session, hall_id: int) -> Hall:
    hall = session.get(Hall, hall_id)
    if hall is None:
        raise ApiError(404, "hall_not_found", "大厅不存在（no such hall）", hall=hall_id)
    return hall


def _taken(session: Session, model: type, error: str, message: str, own: int | None = None, **where: Any) -> None:
    found = session.scalars(select(model.id).filter_by(**where)).first()
    if found is not None and found != own:
        raise ApiError(409, error, message, **{f"taken_{k}": v for k, v in where.items() if k != "hall_id"})


def _floor_of(session: Session, hall_id: int, floor_id: int | None) -> None:
    if floor_id is None:
        return
    floor = session.get(Floor, floor_id)
    if floor is None or floor.hall_id != hall_id:
        raise ApiError(422, "unknown_floor", "楼层不存在或不属于本大厅（no such floor in this hall）", floor=floor_id)


def _publish(session: Session, clock: Clock) -> None:
    session.flush()
    publish_all_halls(session, clock())


def _values(obj: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {n: getattr(obj, n) for n in names}


PUBLIC_URL_PROBLEMS = {"too_long": "太长（最多200个字符）", "characters": "不能含空格、控制字符、反斜杠、花括号或%编码",
                       "scheme": "只能以 http:// 或 https:// 开头", "userinfo": "不能含用户名或密码",
                       "query": "不能含查询参数（?）或锚点（#）", "port": "端口应为 1–65535 的数字",
                       "host": "主机名或IP地址无效", "path": "路径只能是简单前缀，如 /govhall（不能含 . 或 .. 段）"}


def _public_url(value: str) -> str:
    """The hall's public base URL as kept (shared/public_url.py), or a refusal saying what is wrong."""
    try:
        return public_base(value)
    except InvalidPublicUrl as exc:
        reason = exc.details.get("reason", "")
        raise ApiError(422, exc.code, f"公网地址有误：{PUBLIC_URL_PROBLEMS.get(reason, '格式不正确')}（{exc.message}）",
                       reason=reason) from None


HALL_FIELDS = ("code", "name", "address", "centre_id", "public_url")
FLOOR_FIELDS = ("level", "name")
WINDOW_FIELDS = ("number", "name", "floor_id", "led_address", "active")


@router.get("/centres", response_model=list[CentreOut])
def list_centres(session: DbSession, admin: AdminUser) -> list[Centre]:
    return list(session.scalars(select(Centre).order_by(Centre.code)))


@router.post("/centres", response_model=CentreOut, status_code=201)
def create_centre(body: CentreIn, request: Request, session: DbSession, admin: CentreAdmin) -> Centre:
    _taken(session, Centre, "centre_code_taken", "中心编码已被使用（centre code taken）", code=body.code)
    centre = Centre(code=body.code, name=body.name)
    session.add(centre)
    session.flush()
    audit_change(session, request, admin, action="org.centre.create", target=body.code, before=None,
                 after=body.model_dump())
    return centre


@router.post("/halls", response_model=HallSummary, status_code=201)
def create_hall(body: HallCreate, request: Request, session: DbSession, admin: CentreAdmin, clock: Clock) -> Hall:
    if session.get(Centre, body.centre_id) is None:
        raise ApiError(422, "unknown_centre", "政务服务中心不存在（no such centre）", centre=body.centre_id)
    _taken(session, Hall, "hall_code_taken", "大厅编码已被使用（hall code taken）", code=body.code)
    hall = Hall(**{**body.model_dump(), "public_url": _public_url(body.public_url)})
    session.add(hall)
    session.flush()
    audit_change(session, request, admin, action="org.hall.create", target=body.code, before=None,
                 after=_values(hall, HALL_FIELDS))
    _publish(session, clock)
    return hall


@router.patch("/halls/{hall_id}", response_model=HallSummary)
def patch_hall(hall_id: int, body: HallPatch, request: Request, session: DbSession, admin: AdminUser,
               clock: Clock) -> Hall:
    hall = hall_or_404(session, hall_id)
    changes = body.model_dump(exclude_unset=True)
    if "public_url" in changes:
        changes["public_url"] = _public_url(changes["public_url"] or "")
    if "code" in changes:
        _taken(session, Hall, "hall_code_taken", "大厅编码已被使用（hall code taken）", hall.id, code=changes["code"])
    before = _values(hall, HALL_FIELDS)
    for name, value in changes.items():
        setattr(hall, name, value)
    audit_change(session, request, admin, action="org.hall.update", target=hall.code, before=before,
                 after=_values(hall, HALL_FIELDS))
    _publish(session, clock)
    return hall


@router.get("/halls/{hall_id}/floors", response_model=list[FloorAdminOut])
def list_floors(hall_id: int, session: DbSession, admin: AdminUser) -> list[Floor]:
    hall_or_404(session, hall_id)
    return list(session.scalars(select(Floor).where(Floor.hall_id == hall_id).order_by(Floor.level)))


@router.post("/halls/{hall_id}/floors", response_model=FloorAdminOut, status_code=201)
def create_floor(hall_id: int, body: FloorIn, request: Request, session: DbSession, admin: AdminUser,
                 clock: Clock) -> Floor:
    hall = hall_or_404(session, hall_id)
    _taken(session, Floor, "floor_level_taken", "本大厅已有该楼层（floor level taken）", hall_id=hall_id, level=body.level)
    floor = Floor(hall_id=hall_id, **body.model_dump())
    session.add(floor)
    session.flush()
    audit_change(session, request, admin, action="org.floor.create", target=f"{hall.code}/{body.level}",
                 before=None, after=_values(floor, FLOOR_FIELDS))
    _publish(session, clock)
    return floor


@router.patch("/floors/{floor_id}", response_model=FloorAdminOut)
def patch_floor(floor_id: int, body: FloorPatch, request: Request, session: DbSession, admin: AdminUser,
                clock: Clock) -> Floor:
    floor = session.get(Floor, floor_id)
    if floor is None:
        raise ApiError(404, "unknown_floor", "楼层不存在（no such floor）", floor=floor_id)
    changes = body.model_dump(exclude_unset=True)
    if "level" in changes:
        _taken(session, Floor, "floor_level_taken", "本大厅已有该楼层（floor level taken）", floor.id,
               hall_id=floor.hall_id, level=changes["level"])
    before = _values(floor, FLOOR_FIELDS)
    for name, value in changes.items():
        setattr(floor, name, value)
    audit_change(session, request, admin, action="org.floor.update", target=str(floor.id), before=before,
                 after=_values(floor, FLOOR_FIELDS))
    _publish(session, clock)
    return floor


def window_out(session: Session, window: Window) -> WindowAdminOut:
    setting = session.get(WindowSetting, window.id)
    return WindowAdminOut(id=window.id, hall_id=window.hall_id, number=window.number, name=window.name,
                          floor_id=window.floor_id, led_address=setting.led_address if setting else None,
                          active=window.active)


@router.get("/halls/{hall_id}/windows", response_model=list[WindowAdminOut])
def list_windows(hall_id: int, session: DbSession, admin: AdminUser) -> list[WindowAdminOut]:
    hall_or_404(session, hall_id)
    return [window_out(session, w) for w in
            session.scalars(select(Window).where(Window.hall_id == hall_id).order_by(Window.number))]


def _window_number_free(session: Session, hall_id: int, number: int, own: int | None = None) -> None:
    _taken(session, Window, "window_number_taken", f"本大厅已有{number}号窗口（window number taken）", own,
           hall_id=hall_id, number=number)


def _set_led(session: Session, window_id: int, address: str | None) -> None:
    setting = session.get(WindowSetting, window_id)
    if setting is None:
        setting = WindowSetting(window_id=window_id)
        session.add(setting)
    if address is not None:
        try:
            address = str(led_bus_address(address))  # "007" and "7" are one card
        except LedAddressInvalid as exc:
            raise ApiError(422, "led_address_invalid", "LED屏地址应为0至65534之间的数字（not a bus address）",
                           led_address=address) from exc
    setting.led_address = address
    if address is not None:
        clash = session.scalars(select(WindowSetting.window_id).join(Window, Window.id == WindowSetting.window_id)
                                .where(WindowSetting.led_address == address, WindowSetting.window_id != window_id,
                                       Window.hall_id == session.get(Window, window_id).hall_id)).first()
        if clash is not None:
            raise ApiError(409, "led_address_taken", "该LED屏地址已分配给本大厅的其他窗口（LED address taken）",
                           led_address=address)


@router.post("/halls/{hall_id}/windows", response_model=WindowAdminOut, status_code=201)
def create_window(hall_id: int, body: WindowCreate, request: Request, session: DbSession, admin: AdminUser,
                  clock: Clock) -> WindowAdminOut:
    hall = hall_or_404(session, hall_id)
    _window_number_free(session, hall_id, body.number)
    _floor_of(session, hall_id, body.floor_id)
    window = Window(hall_id=hall_id, number=body.number, name=body.name, floor_id=body.floor_id, active=body.active)
    session.add(window)
    session.flush()
    _set_led(session, window.id, body.led_address)
    out = window_out(session, window)
    audit_change(session, request, admin, action="org.window.create", target=f"{hall.code}/{body.number}",
                 before=None, after=out.model_dump(include=set(WINDOW_FIELDS)))
    _publish(session, clock)
    return out


@router.patch("/windows/{window_id}", response_model=WindowAdminOut)
def patch_window(window_id: int, body: WindowPatch, request: Request, session: DbSession, admin: AdminUser,
                 clock: Clock) -> WindowAdminOut:
    window = session.get(Window, window_id)
    if window is None:
        raise ApiError(404, "unknown_window", "窗口不存在（no such window）", window=window_id)
    changes = body.model_dump(exclude_unset=True)
    if "number" in changes:
        _window_number_free(session, window.hall_id, changes["number"], window.id)
    if "floor_id" in changes:
        _floor_of(session, window.hall_id, changes["floor_id"])
    before = window_out(session, window).model_dump(include=set(WINDOW_FIELDS))
    for name, value in changes.items():
        if name != "led_address":
            setattr(window, name, value)
    if "led_address" in changes:
        _set_led(session, window.id, changes["led_address"])
    session.flush()
    out = window_out(session, window)
    audit_change(session, request, admin, action="org.window.update", target=str(window.id), before=before,
                 after=out.model_dump(include=set(WINDOW_FIELDS)))
    _publish(session, clock)
    return out
