"""Device registration and authentication. What a device may read (its scopes) and send (its kind and, on a
workstation, the signed-in staff member's roles) is derived from its token, never from the request."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from dataclasses import dataclass, field

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from server.credentials.idle import idle_expired, use_due
from server.store import versions
from server.store.models import AuthToken
from server.sync.changes import ensure_counter
from server.sync.models import SyncDevice
from shared.db.models import Device, Hall, StaffRole, StaffUser, Window
from server.sync.errors import SyncError


class AuthError(SyncError):
    """401/403 from the sync endpoints; `status` says which."""


@dataclass(frozen=True)
class DeviceContext:
    device_id: str
    hall_id: int
    kind: str
    window_id: int | None
    roles: frozenset[str] = field(default_factory=frozenset)
    user: str | None = None

    @property
    def scopes(self) -> list[str]:
        # A staff login adds one scope per role: approvers see the cases at the steps their role acts on.
        return scopes_for(self.hall_id, self.window_id) + [f"role:{self.hall_id}:{r}" for r in sorted(self.roles)]


def scopes_for(hall_id: int, window_id: int | None) -> list[str]:
    out = [f"hall:{hall_id}"]
    if window_id is not None:
        out.append(f"window:{window_id}")
    return out


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def register_device(session: Session, *, kind: str, name: str, hall_id: int,
                    window_id: int | None = None, device_id: str | None = None) -> tuple[Device, str]:
    """Create a device and its token; only the token's hash is kept, so this is the one chance to read it."""
    if session.get(Hall, hall_id) is None:
        raise AuthError(422, "hall_unknown", "大厅不存在（no such hall）", hall_id=hall_id)
    if window_id is not None:
        window = session.get(Window, window_id)
        if window is None or window.hall_id != hall_id:
            raise AuthError(422, "window_not_in_hall", "窗口不属于该大厅（the window is not in this hall）",
                            window_id=window_id)
    device = Device(id=device_id or str(uuid.uuid4()), kind=kind, name=name, hall_id=hall_id, window_id=window_id)
    session.add(device)
    session.flush()
    token = secrets.token_urlsafe(32)
    session.add(SyncDevice(device_id=device.id, token_hash=hash_token(token), last_seq=0))
    ensure_counter(session, hall_id)
    session.flush()
    return device, token


NO_ROLES: frozenset[str] = frozenset()  # one for all: every waiting device keeps its context, an empty set 200 B
_CREDENTIALS, _DEVICES = SyncDevice.__table__, Device.__table__
_BY_TOKEN = (select(_CREDENTIALS.c.revoked_at, _DEVICES.c.id, _DEVICES.c.hall_id, _DEVICES.c.kind,
                    _DEVICES.c.window_id, _DEVICES.c.active)
             .join(_DEVICES, _DEVICES.c.id == _CREDENTIALS.c.device_id)
             .where(_CREDENTIALS.c.token_hash == bindparam("token_hash")))


# A workstation's staff login, read as Core rows: a device request needs no ORM objects of it (routes for staff
# read them through server/credentials/login.py), and building them was a tenth of a push's time.
_TOKENS, _USERS, _ROLES = AuthToken.__table__, StaffUser.__table__, StaffRole.__table__
_STAFF_BY_TOKEN = (select(_TOKENS.c.device_id, _TOKENS.c.issued_at, _TOKENS.c.expires_at, _TOKENS.c.revoked,
                          _TOKENS.c.last_used_at, _USERS.c.username, _USERS.c.active, _USERS.c.hall_id, _ROLES.c.role)
                   .join(_USERS, _USERS.c.id == _TOKENS.c.user_id)
                   .outerjoin(_ROLES, _ROLES.c.user_id == _USERS.c.id)
                   .where(_TOKENS.c.token_hash == bindparam("token_hash")))
_TOUCH = (update(_TOKENS).where(_TOKENS.c.token_hash == bindparam("hash"))
          .values(last_used_at=bindparam("now", type_=_TOKENS.c.last_used_at.type)))


def _credential(session: Session, token_hash: str):  # noqa: ANN202 - a row of _BY_TOKEN
    """The credential and its device: kept by the process while the database's device-token version holds
    (server/store/versions.py: revoking, rotating, moving, deactivating or deleting any device replaces it, through
    whichever process), else one Core query. Unknown tokens are never kept."""
    version = versions.read(session).get(versions.DEVICE_TOKEN)
    kept = versions.kept(session, versions.DEVICE_TOKEN)
    device = kept.get(token_hash, version)
    if device is None:
        device = session.connection().execute(_BY_TOKEN, {"token_hash": token_hash}).one_or_none()
        if device is not None:
            kept.put(token_hash, version, device)
    return device


def authenticate(session: Session, authorization: str | None, staff_token: str | None,
                 now: dt.datetime, *, idle_minutes: float | None = None, use: bool = False) -> DeviceContext:
    """The device (and staff member) a request comes from, both checked on every request (a revoked, rotated
    or moved device counts at once, whichever server process answers). With `idle_minutes` a staff token
    unused that long is refused; `use`: this request counts as its use (a write: server/credentials/idle.py)."""
    if not authorization or not authorization.startswith("Bearer "):
        raise AuthError(401, "device_token_required", "设备未认证（a device token is required）")
    device = _credential(session, hash_token(authorization.removeprefix("Bearer ").strip()))
    if device is not None and device.revoked_at is not None:
        raise AuthError(401, "device_revoked", "此设备的凭证已被管理员吊销，请联系管理员重新开通"
                        "（this device's token was revoked by an admin）")
    if device is None or not device.active:
        raise AuthError(401, "device_token_invalid", "设备凭证无效或设备已停用（device token unknown or device inactive）")
    roles = NO_ROLES
    user = None
    if staff_token:
        if device.kind != "workstation":
            raise AuthError(403, "staff_login_not_allowed", "此类设备不能登录工作人员（only workstations take a staff login）")
        token_hash = hash_token(staff_token)
        rows = session.connection().execute(_STAFF_BY_TOKEN, {"token_hash": token_hash}).all()
        row = rows[0] if rows else None  # the token and its member, once per role the member holds
        if row is None or row.revoked or row.expires_at <= now or row.device_id != device.id:
            raise AuthError(401, "staff_token_invalid", "工作人员登录已失效（staff token invalid for this device）")
        if idle_minutes is not None and idle_expired(row, now, idle_minutes):
            raise AuthError(401, "staff_token_idle", "长时间未操作，工作人员登录已失效，请重新登录（staff token idle）")
        if use and use_due(row, now):  # recorded to the minute (server/credentials/idle.py)
            session.connection().execute(_TOUCH, {"hash": token_hash, "now": now})
        if not row.active:
            raise AuthError(401, "staff_token_invalid", "账号已停用（account disabled）")
        if row.hall_id is not None and row.hall_id != device.hall_id:
            raise AuthError(403, "hall_mismatch", "该账号不属于此工作站所在大厅（the account belongs to another hall）")
        roles, user = frozenset(r.role for r in rows if r.role is not None), row.username
    return DeviceContext(device.id, device.hall_id, device.kind, device.window_id, roles, user)


def check_device_field(ctx: DeviceContext, claimed: str) -> None:
    """The body names a device for the log's sake; it must be the token's own."""
    if claimed != ctx.device_id:
        raise AuthError(403, "device_mismatch", "请求中的设备与凭证不符（body device differs from the token's device）",
                        token_device=ctx.device_id, claimed=claimed)


def check_scopes(ctx: DeviceContext, asked: list[str]) -> None:
    allowed = set(ctx.scopes)
    foreign = [s for s in asked if s not in allowed]
    if foreign:
        raise AuthError(403, "scope_forbidden", "无权读取该范围的数据（scope not granted to this device）",
                        scopes=foreign, allowed=sorted(allowed))
