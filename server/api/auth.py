"""Staff login: salted PBKDF2-HMAC-SM3 passwords, lockout after repeated failures, every attempt audited."""

from __future__ import annotations

import datetime as dt
import secrets

from fastapi import APIRouter, Request
from sqlalchemy import select

from server.api.deps import AppSettings, Clock, CurrentUser, DbSession, get_database, token_hash
from server.api.errors import ApiError
from server.store.audit import audit
from server.store.models import AuthToken
from shared.db.models import StaffUser
from shared.passwords import verify_password
from shared.protocol.auth import LoginRequest, LoginResponse, StaffOut

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


def staff_out(user: StaffUser) -> StaffOut:
    return StaffOut(id=user.id, username=user.username, display_name=user.display_name, staff_no=user.staff_no,
                    roles=user.role_names, department_id=user.department_id, hall_id=user.hall_id)


@router.post("/login", response_model=LoginResponse)
def login(body: LoginRequest, request: Request, settings: AppSettings, clock: Clock) -> LoginResponse:
    # One unit of work that always commits: a refused attempt must leave its audit entry and counter behind.
    db = get_database(request)
    now = clock()
    where = request.client.host if request.client else ""
    failure: ApiError | None = None
    with db.session() as session:
        user = session.scalars(select(StaffUser).filter_by(username=body.username)).one_or_none()
        common = {"action": "login", "actor": body.username, "device_id": body.device_id, "client_address": where}
        if user is None or not user.active:
            audit(session, outcome="unknown_user" if user is None else "disabled", **common)
            failure = ApiError(401, "invalid_credentials", "用户名或密码错误（wrong username or password）")
        elif user.locked_until is not None and user.locked_until > now:
            audit(session, outcome="locked", **common)
            failure = ApiError(423, "account_locked", "账号已锁定，请稍后再试（account locked）",
                               locked_until=user.locked_until.isoformat())
        elif not verify_password(body.password, user.password_hash):
            user.failed_attempts += 1
            if user.failed_attempts >= settings.lockout_threshold:
                user.locked_until = now + dt.timedelta(minutes=settings.lockout_minutes)
                user.failed_attempts = 0
                audit(session, outcome="locked_now", **common)
                failure = ApiError(423, "account_locked", "密码错误次数过多，账号已锁定（account locked）",
                                   locked_until=user.locked_until.isoformat())
            else:
                audit(session, outcome="wrong_password", attempts=user.failed_attempts, **common)
                failure = ApiError(401, "invalid_credentials", "用户名或密码错误（wrong username or password）",
                                   attempts_left=settings.lockout_threshold - user.failed_attempts)
        else:
            user.failed_attempts, user.locked_until = 0, None
            token = secrets.token_urlsafe(32)
            expires = now + dt.timedelta(hours=settings.token_ttl_hours)
            session.add(AuthToken(token_hash=token_hash(token), user_id=user.id, device_id=body.device_id,
                                  issued_at=now, expires_at=expires))
            audit(session, outcome="success", **common)
            result = LoginResponse(token=token, expires_at=expires, user=staff_out(user))
    if failure is not None:
        raise failure
    return result


@router.post("/logout", status_code=204)
def logout(session: DbSession, user: CurrentUser, request: Request) -> None:
    row = session.get(AuthToken, token_hash(request.headers["authorization"].removeprefix("Bearer ").strip()))
    row.revoked = True
    audit(session, action="logout", outcome="success", actor=user.username)


@router.get("/me", response_model=StaffOut)
def me(user: CurrentUser) -> StaffOut:
    return staff_out(user)
