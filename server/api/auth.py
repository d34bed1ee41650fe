"""Staff login: salted PBKDF2-HMAC-SM3 passwords, the login throttle (server/credentials/throttle.py), every
attempt audited. Unknown usernames, disabled accounts and wrong passwords get the same answer after the same
work (a password hash at the configured cost is computed for each)."""

from __future__ import annotations

import datetime as dt
import secrets

from fastapi import APIRouter, Request, Response
from sqlalchemy import select

from server.api.deps import AppSettings, Clock, DbSession, SessionUser, token_hash
from server.api.errors import ApiError, envelope
from server.credentials.passwords import PasswordRefused, change_required, decoy_hash, policy_of, set_password
from server.credentials.throttle import Throttle
from server.store.audit import audit
from server.store.models import AuthToken
from shared.db.models import Device, StaffUser
from shared.password_policy import DEMO_PASSWORDS
from shared.passwords import hash_password, iterations_of, needs_rehash, verify_password
from shared.protocol.auth import LoginRequest, LoginResponse, PasswordChange, StaffOut

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])
WRONG = "用户名或密码错误（wrong username or password）"


def staff_out(user: StaffUser) -> StaffOut:
    return StaffOut(id=user.id, username=user.username, display_name=user.display_name, staff_no=user.staff_no,
                    roles=user.role_names, department_id=user.department_id, hall_id=user.hall_id)


def client_address(request: Request) -> str:
    # uvicorn puts X-Forwarded-For here only for the configured trusted proxies (server/core/serving.py)
    return request.client.host if request.client else ""


@router.post("/login", response_model=LoginResponse)
def login(body: LoginRequest, request: Request, settings: AppSettings, clock: Clock) -> LoginResponse:
    """The password's deliberate cost (≈0.1 s) is paid between two short units of work, never inside one: a
    shift's logins at once must not queue on SQLite's write lock behind each other's hashing. The writing unit
    looks again at the throttle and the account, so an attempt counts against a lock set meanwhile and a hash
    changed meanwhile is verified afresh."""
    now, where = clock(), client_address(request)
    db = request.app.state.database
    with db.read_session() as session:
        blocked = Throttle(session, settings, now).blocked_until(body.username, where)
        seen = _stored(session.scalars(select(StaffUser).filter_by(username=body.username)).one_or_none())
    verified = _UNCHECKED if blocked is not None else (seen, _password_ok(seen, body.password, settings))
    rehashed = None
    if verified is not _UNCHECKED and verified[1] and needs_rehash(seen, settings.password_iterations):
        rehashed = hash_password(body.password, iterations=settings.password_iterations)
    failure: ApiError | None = None
    # One unit of work that always commits: a refused attempt must leave its audit entry and counters behind.
    with db.session() as session:
        throttle = Throttle(session, settings, now)
        common = {"action": "login", "actor": body.username, "device_id": body.device_id, "client_address": where}
        blocked = throttle.blocked_until(body.username, where)
        user = session.scalars(select(StaffUser).filter_by(username=body.username)).one_or_none()
        if blocked is None and (verified is _UNCHECKED or verified[0] != _stored(user)):
            verified = (_stored(user), _password_ok(_stored(user), body.password, settings))  # rare: it changed
            rehashed = None
        if blocked is not None:
            kind, until = blocked
            audit(session, outcome=f"locked_{kind}", **common)
            failure = _locked(kind, until)
        elif not verified[1]:
            audit(session, outcome="unknown_user" if user is None else "disabled" if not user.active
                  else "wrong_password", **common)
            until = throttle.failed(body.username, where)
            failure = _locked("account", until) if until else ApiError(401, "invalid_credentials", WRONG)
        elif body.password in DEMO_PASSWORDS and not settings.demo_mode:
            audit(session, outcome="demo_password", **common)
            failure = ApiError(403, "demo_password_refused", "演示密码不能在正式环境使用，请联系管理员重置密码"
                               "（demo passwords are refused outside demo mode）")
        elif (mismatch := hall_mismatch(session, user, body.device_id)) is not None:
            audit(session, outcome="hall_mismatch", **common)
            failure = mismatch
        else:
            throttle.succeeded(body.username, where)
            if rehashed is not None:
                user.password_hash = rehashed
            result = signed_in(session, user, body.device_id, settings, now, common)
    if failure is not None:
        raise failure
    return result


_UNCHECKED = object()  # the password was not looked at: the attempt was blocked when it came in


def signed_in(session, user: StaffUser, device_id: str | None,  # noqa: ANN001 - a Session
              settings: AppSettings, now: dt.datetime, common: dict) -> LoginResponse:
    """A new session token for `user` (by password or by keypad PIN), audited with `common`."""
    token = secrets.token_urlsafe(32)
    expires = now + dt.timedelta(hours=settings.token_ttl_hours)
    session.add(AuthToken(token_hash=token_hash(token), user_id=user.id, device_id=device_id, issued_at=now,
                          expires_at=expires))
    must_change = change_required(session, user, now, policy_of(settings))
    audit(session, outcome="success", must_change=must_change, **common)
    return LoginResponse(token=token, expires_at=expires, user=staff_out(user),
                         password_change_required=must_change, idle_lock_minutes=settings.idle_lock_minutes)


def _stored(user: StaffUser | None) -> str | None:
    """The hash a password is checked against: None for a missing or disabled account (or one without one)."""
    return user.password_hash if user is not None and user.active and user.password_hash else None


def _password_ok(stored: str | None, password: str, settings: AppSettings) -> bool:
    """Always the work of one hash at the configured cost: a decoy stands in for a missing or disabled
    account's own hash, and an account whose hash was made at a lower cost (the setting was raised since; a
    successful login rehashes it) does the rest of that work, so it answers no faster than an unknown name."""
    ok = verify_password(password, stored or decoy_hash(settings.password_iterations))
    short = settings.password_iterations - iterations_of(stored) if stored is not None else 0
    if short > 0:
        hash_password(password, iterations=short)
    return ok and stored is not None


def _locked(kind: str, until: dt.datetime) -> ApiError:
    if kind == "address":
        return ApiError(429, "login_throttled", "登录失败次数过多，请稍后再试（too many failed logins from this address）",
                        retry_after=until.isoformat())
    return ApiError(423, "account_locked", "密码错误次数过多，请稍后再试（locked for this address）",
                    locked_until=until.isoformat())


def hall_mismatch(session, user: StaffUser, device_id: str | None) -> ApiError | None:  # noqa: ANN001
    """A workstation belongs to a hall: only that hall's staff sign in on it."""
    if device_id is None:
        return None
    device = session.get(Device, device_id)  # an unknown id binds the session to nothing sync would accept
    if device is not None and user.hall_id is not None and device.hall_id != user.hall_id:
        return ApiError(403, "hall_mismatch", "该账号不属于此工作站所在大厅（the account belongs to another hall）")
    return None


@router.post("/logout", status_code=204)
def logout(session: DbSession, user: SessionUser, request: Request) -> None:
    row = session.get(AuthToken, token_hash(request.headers["authorization"].removeprefix("Bearer ").strip()))
    row.revoked = True
    audit(session, action="logout", outcome="success", actor=user.username)


@router.get("/me", response_model=StaffOut)
def me(user: SessionUser) -> StaffOut:
    return staff_out(user)


@router.post("/password", status_code=204, response_model=None, responses={403: {}, 423: {}})
def change_password(body: PasswordChange, session: DbSession, user: SessionUser, settings: AppSettings,
                    clock: Clock, request: Request) -> Response | None:
    """The member's own change (also the way out of a forced change). Other sessions of the member end.
    Guesses of the current password are throttled by account (server/credentials/throttle.py); a refusal is
    answered, not raised, so that its count and audit entry commit with the request's unit of work."""
    now, where = clock(), client_address(request)
    throttle = Throttle(session, settings, now)
    blocked = throttle.change_blocked_until(user.id)
    if blocked is not None:
        audit(session, action="password_change", outcome="locked", actor=user.username, client_address=where)
        return envelope(423, "password_change_locked", "当前密码错误次数过多，请稍后再试"
                        "（too many wrong current passwords）", {"locked_until": blocked.isoformat()})
    if not verify_password(body.current_password, user.password_hash):
        until = throttle.change_failed(user.id)
        audit(session, action="password_change", outcome="wrong_current_password", actor=user.username,
              client_address=where)
        if until is not None:
            return envelope(423, "password_change_locked", "当前密码错误次数过多，请稍后再试"
                            "（too many wrong current passwords）", {"locked_until": until.isoformat()})
        return envelope(403, "wrong_current_password", "当前密码不正确（current password is wrong）")
    throttle.change_succeeded(user.id)
    try:
        set_password(session, user, body.new_password, settings=settings, now=clock(), must_change=False)
    except PasswordRefused as exc:
        raise ApiError(422, exc.code, "新密码不符合密码策略（new password breaks the policy）", **exc.details) from None
    current = token_hash(request.headers["authorization"].removeprefix("Bearer ").strip())
    for row in session.scalars(select(AuthToken).where(AuthToken.user_id == user.id,
                                                       AuthToken.token_hash != current)):
        row.revoked = True
    audit(session, action="password_change", outcome="success", actor=user.username, client_address=where)
    return None
