"""Staff PINs for keypad-only login: a staff member sets a PIN after a password login (the password asked
again), and a counter without a keyboard signs in with staff number + PIN typed on its calling keypad. PINs
are hashed like passwords; failed PINs lock PIN login as failed passwords lock the account; every attempt is
audited."""

from __future__ import annotations

import datetime as dt

from typing import Annotated

from fastapi import APIRouter, Header, Request
from sqlalchemy import select

from server.api.auth import client_address, hall_mismatch, signed_in
from server.api.deps import AppSettings, Clock, get_session_user
from server.api.errors import ApiError
from server.core.settings import Settings
from server.credentials.passwords import change_required, policy_of
from server.credentials.throttle import Throttle
from server.store.audit import audit
from server.store.models import StaffPin
from shared.db.models import StaffUser
from shared.passwords import hash_password, verify_password
from shared.pins import keypad_number
from shared.protocol.auth import LoginResponse
from shared.protocol.pins import PinLoginRequest, SetPinRequest

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])
WRONG = "工号或 PIN 错误（wrong staff number or PIN）"


def _failed(record, settings: Settings, now: dt.datetime) -> bool:  # noqa: ANN001  StaffUser or StaffPin
    """Count one failure on `record`; True when it is now locked."""
    record.failed_attempts += 1
    if record.failed_attempts >= settings.lockout_threshold:
        record.locked_until = now + dt.timedelta(minutes=settings.lockout_minutes)
        record.failed_attempts = 0
        return True
    return False


def _staff_with_pin(session, typed: str) -> tuple[StaffUser | None, StaffPin | None]:  # noqa: ANN001
    """The one staff member whose staff number's digits are `typed`, with their PIN row (None when nobody or
    more than one matches: a keypad cannot tell them apart, and the answer must not say which)."""
    rows = session.execute(select(StaffUser, StaffPin).outerjoin(StaffPin, StaffPin.user_id == StaffUser.id)).all()
    found = [(u, p) for u, p in rows if keypad_number(u.staff_no) == typed]
    return found[0] if len(found) == 1 else (None, None)


@router.put("/pin", status_code=204)
def set_pin(body: SetPinRequest, request: Request, settings: AppSettings, clock: Clock,
            authorization: Annotated[str | None, Header()] = None) -> None:
    db, now = request.app.state.database, clock()
    where = client_address(request)
    failure: ApiError | None = None
    with db.session() as session:  # one unit of work that commits the audit entry and counter even when refused
        staff = get_session_user(session, clock, authorization, settings=settings)
        common = {"action": "set_pin", "actor": staff.username, "client_address": where}
        if change_required(session, staff, now, policy_of(settings)):
            failure = ApiError(403, "password_change_required", "请先修改密码（the password must be changed first）")
        elif not verify_password(body.password, staff.password_hash):
            locked = Throttle(session, settings, now).failed(staff.username, where)  # counts like a failed login
            audit(session, outcome="locked_now" if locked else "wrong_password", **common)
            failure = ApiError(423 if locked else 403, "account_locked" if locked else "wrong_password",
                               "密码错误（wrong password）")
        else:
            pin = session.get(StaffPin, staff.id) or StaffPin(user_id=staff.id, pin_hash="")
            pin.pin_hash = hash_password(body.pin, iterations=settings.password_iterations)
            pin.set_at, pin.failed_attempts, pin.locked_until = now, 0, None
            session.add(pin)
            audit(session, outcome="success", **common)
    if failure is not None:
        raise failure


@router.post("/pin-login", response_model=LoginResponse)
def pin_login(body: PinLoginRequest, request: Request, settings: AppSettings, clock: Clock) -> LoginResponse:
    """The PIN's hash costs as much as a password's: it is checked between two short units of work, as a
    password login's is (server/api/auth.py), not while holding the write lock; the writing unit decides."""
    db, now = request.app.state.database, clock()
    where = client_address(request)
    with db.read_session() as session:
        user, pin = _staff_with_pin(session, body.staff_no)
        checkable = (user is not None and user.active and pin is not None
                 and Throttle(session, settings, now).blocked_until(user.username, where) is None
                 and not (pin.locked_until is not None and pin.locked_until > now))
        seen = pin.pin_hash if checkable else None
    verified = (seen, verify_password(body.pin, seen)) if seen is not None else None
    failure: ApiError | None = None
    with db.session() as session:
        user, pin = _staff_with_pin(session, body.staff_no)
        account_lock = Throttle(session, settings, now).blocked_until(user.username, where) if user else None
        common = {"action": "pin_login", "actor": user.username if user else body.staff_no,
                  "device_id": body.device_id, "client_address": where}
        if user is None or not user.active or pin is None:
            outcome = "unknown_user" if user is None else "disabled" if not user.active else "no_pin"
            audit(session, outcome=outcome, **common)
            failure = ApiError(401, "invalid_pin", WRONG)
        elif account_lock is not None or (pin.locked_until is not None and pin.locked_until > now):
            locked_until = max(x for x in (account_lock and account_lock[1], pin.locked_until)
                               if x is not None and x > now)
            audit(session, outcome="locked", **common)
            failure = ApiError(423, "account_locked", "账号已锁定，请稍后再试（account locked）",
                               locked_until=locked_until.isoformat())
        elif not _pin_ok(verified, pin, body.pin):
            if _failed(pin, settings, now):
                audit(session, outcome="locked_now", **common)
                failure = ApiError(423, "account_locked", "PIN 错误次数过多，已锁定（PIN login locked）",
                                   locked_until=pin.locked_until.isoformat())
            else:
                audit(session, outcome="wrong_pin", attempts=pin.failed_attempts, **common)
                failure = ApiError(401, "invalid_pin", WRONG)
        elif (mismatch := hall_mismatch(session, user, body.device_id)) is not None:
            audit(session, outcome="hall_mismatch", **common)
            failure = mismatch
        else:
            pin.failed_attempts, pin.locked_until = 0, None
            result = signed_in(session, user, body.device_id, settings, now, common)
    if failure is not None:
        raise failure
    return result


def _pin_ok(verified: tuple[str, bool] | None, pin: StaffPin, typed: str) -> bool:
    """The answer checked before the writing unit; checked again only when the PIN was not looked at then or was
    changed meanwhile."""
    if verified is not None and verified[0] == pin.pin_hash:
        return verified[1]
    return verify_password(typed, pin.pin_hash)
