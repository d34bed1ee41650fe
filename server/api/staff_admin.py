"""Admin actions on credentials: reset a staff member's password (a temporary one, changed at the next login),
disable or enable an account, end all of a member's sessions, revoke or rotate a device's token. Every action
ends the sessions it concerns at once and is audited in the same unit of work. Disabling and enabling are
published to the halls' scopes too: a workstation learns of it by sync and refuses (or again allows) the
member's offline sign-in."""

from __future__ import annotations

from fastapi import APIRouter, Request as HttpRequest
from pydantic import Field
from sqlalchemy import select

from server.api.deps import AdminUser, AppSettings, Clock, DbSession, SessionDevice
from server.api.errors import ApiError
from server.credentials.passwords import PasswordRefused, set_password
from server.credentials.sessions import revoke_all
from server.store.audit import audit_change
from server.api.queue_deps import pii_keys
from server.sync import device_tokens, provisioning
from server.sync.reference import publish_reference
from server.sync.errors import SyncError
from shared.db.models import Device, Hall, StaffUser
from shared.protocol.auth import PasswordReset, SessionsRevoked
from shared.protocol.base import Request, Response

router = APIRouter(prefix="/api/v1/admin", tags=["admin: credentials"])


class DeviceToken(Response):
    device_id: str
    token: str
    file_name: str = ""  # with a RotateRequest: the device's new config file (its name and text), token inside
    config: str = ""


class RotateRequest(Request):
    """Asked for, the answer carries the device's whole new config file, for the server address it uses."""
    server: str = Field(min_length=1, max_length=200)
    server_ca: str = Field(default="", max_length=300)


def _staff(session: DbSession, user_id: int) -> StaffUser:
    user = session.get(StaffUser, user_id)
    if user is None:
        raise ApiError(404, "unknown_staff", "工作人员不存在（no such staff member）", user_id=user_id)
    return user


@router.post("/staff/{user_id}/password-reset", status_code=204)
def reset_password(user_id: int, body: PasswordReset, session: DbSession, admin: AdminUser, settings: AppSettings,
                   clock: Clock, device: SessionDevice) -> None:
    user = _staff(session, user_id)
    try:
        set_password(session, user, body.new_password, settings=settings, now=clock(), must_change=True)
    except PasswordRefused as exc:
        raise ApiError(422, exc.code, "新密码不符合密码策略（new password breaks the policy）", **exc.details) from None
    ended = revoke_all(session, user.id)
    audit_change(session, admin.username, "staff.password_reset", user.username, None, {"must_change": True},
                 device, sessions_ended=ended)  # never the password itself


@router.post("/staff/{user_id}/disable", status_code=204)
def disable(user_id: int, session: DbSession, admin: AdminUser, clock: Clock, device: SessionDevice) -> None:
    user = _staff(session, user_id)
    if user.id == admin.id:
        raise ApiError(409, "cannot_disable_self", "不能停用自己的账号（an admin cannot disable their own account）")
    before = {"active": user.active}
    user.active = False
    ended = revoke_all(session, user.id)
    audit_change(session, admin.username, "staff.disable", user.username, before, {"active": False}, device,
                 sessions_ended=ended)
    _publish(session, user, clock)


@router.post("/staff/{user_id}/enable", status_code=204)
def enable(user_id: int, session: DbSession, admin: AdminUser, clock: Clock, device: SessionDevice) -> None:
    user = _staff(session, user_id)
    before = {"active": user.active}
    user.active = True
    audit_change(session, admin.username, "staff.enable", user.username, before, {"active": True}, device)
    _publish(session, user, clock)


def _publish(session: DbSession, user: StaffUser, clock: Clock) -> None:
    """The member's staff row to the halls that receive it (their own; every hall for a centre-wide account)."""
    session.flush()
    halls = [user.hall_id] if user.hall_id is not None else session.scalars(select(Hall.id)).all()
    for hall_id in halls:
        publish_reference(session, hall_id, clock())


@router.post("/staff/{user_id}/sessions/revoke", response_model=SessionsRevoked)
def revoke_sessions(user_id: int, session: DbSession, admin: AdminUser, device: SessionDevice) -> SessionsRevoked:
    user = _staff(session, user_id)
    ended = revoke_all(session, user.id)
    audit_change(session, admin.username, "staff.sessions_revoke", user.username, {"sessions": ended}, {"sessions": 0},
                 device, sessions_ended=ended)
    return SessionsRevoked(revoked=ended)


@router.post("/devices/{device_id}/revoke", status_code=204)
def revoke_device(device_id: str, session: DbSession, admin: AdminUser, clock: Clock, device: SessionDevice) -> None:
    try:
        device_tokens.revoke(session, device_id, clock())
    except SyncError as exc:
        raise ApiError(exc.status, exc.code, exc.message, **exc.details) from None
    audit_change(session, admin.username, "device.revoke", device_id, {"token": "valid"}, {"token": "revoked"}, device)


@router.post("/devices/{device_id}/rotate", response_model=DeviceToken)
def rotate_device(device_id: str, session: DbSession, admin: AdminUser, device: SessionDevice, request: HttpRequest,
                  clock: Clock, body: RotateRequest | None = None) -> DeviceToken:
    try:
        token = device_tokens.rotate(session, device_id)
        file_name = config = ""
        if body is not None:
            try:
                keys = pii_keys(request)  # as at provisioning: a dispenser's ticket key, a workstation's
            except ApiError:
                keys = None
            file_name, config = provisioning.reissue(session, session.get(Device, device_id), token,
                                                     server_url=body.server, keys=keys, server_ca=body.server_ca,
                                                     now=clock())
    except SyncError as exc:
        raise ApiError(exc.status, exc.code, exc.message, **exc.details) from None
    audit_change(session, admin.username, "device.rotate", device_id, {"token": "old"}, {"token": "new"}, device)
    return DeviceToken(device_id=device_id, token=token, file_name=file_name, config=config)
