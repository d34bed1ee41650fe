"""预约 for citizens (no account: the resident ID number identifies them, and is sent in bodies, never in
URLs) and for staff: book, find one's bookings, cancel, resolve a QR code, see a day's slots, and mark
no-shows after the late limit (supervisors)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Header, Query, Request
from sqlalchemy import func, select

from server.api.deps import (AppSettings, Clock, DbSession, refuse_if_change_due, require_role, session_user,
                             staff_of)
from server.api.errors import ApiError
from server.api.hall_scope import check_hall
from server.api.queue_deps import HallPublisher, pii_keys, refusals
from server.queue import appointments
from server.queue.booking_limits import client_key, limiter_for
from server.queue.appointments import appointment_row
from server.queue.config import load_hall_config
from server.queue.models import QueueAppointment
from shared.crypto.keys import KeyProvider
from shared.db.models import Business, StaffUser
from shared.protocol.queue_admin import (Booked, BookingIn, CancelIn, NoShowsOut, PersonIn, PublicAppointment, QrIn,
                                         SlotOut)
from shared.queue import appointments as booking
from shared.queue.clock import CHINA_TZ
from shared.queue.config import Quota
from shared.queue.rules import AppointmentRules

router = APIRouter(prefix="/api/v1/queue", tags=["queue appointments"])
Keys = Annotated[KeyProvider, Depends(pii_keys)]
Supervisor = Annotated[StaffUser, Depends(require_role("supervisor", "admin"))]
STAFF_ROLES = {"clerk", "supervisor", "admin"}
LOOKUPS = "booking_lookup_limiter"  # searches and cancels by ID number and code: their own hourly allowance


def _out(row: QueueAppointment) -> PublicAppointment:
    """No index keys in REST answers: the devices that match by them get them through sync."""
    return PublicAppointment.model_validate({**appointment_row(row), "masked_name": row.masked_name or ""})


@router.post("/appointments", response_model=Booked, status_code=201)
def book(body: BookingIn, session: DbSession, clock: Clock, keys: Keys, request: Request,
         tasks: BackgroundTasks, authorization: Annotated[str | None, Header()] = None) -> Booked:
    now = clock()
    publisher = HallPublisher(session, request, tasks, now)
    with refusals():
        _limit_client(request, authorization, body.business_id, now)  # before `session` takes the write lock
        row, token, code = appointments.book(session, keys, business_id=body.business_id,
                                             slot_start=body.slot_start, id_number=body.id_number, now=now,
                                             emit_for=publisher.for_hall, phone=body.phone, name=body.name)
    return Booked(appointment=_out(row), qr_token=token, booking_code=code)


def _limit_client(request: Request, authorization: str | None, business_id: int | None, now: dt.datetime,
                  limiter: str = "booking_limiter") -> None:
    """Every booking request counts against its client's hourly allowance, refused ones included: counted in
    transactions of its own, which the refusal of this request does not roll back. A client is the signed-in
    staff member, else its address: an invented Authorization header changes nothing."""
    with request.app.state.database.read_session() as session:
        business = session.get(Business, business_id) if business_id is not None else None
        rules = load_hall_config(session, business.hall_id).rules.appointment if business else AppointmentRules()
        staff = staff_of(session, authorization, now, request.app.state.settings.token_idle_minutes)
    address = request.client.host if request.client else None
    limiter_for(request.app.state, limiter).check(client_key(staff, address), now, rules.requests_per_client_per_hour)


@router.post("/appointments/search", response_model=list[PublicAppointment])
def search(body: PersonIn, session: DbSession, clock: Clock, keys: Keys, request: Request,
           authorization: Annotated[str | None, Header()] = None) -> list[PublicAppointment]:
    with refusals():
        _limit_client(request, authorization, None, clock(), LOOKUPS)  # before `session` takes the write lock
        rows = appointments.for_person(session, keys, body.id_number, body.booking_code,
                                       clock().astimezone(CHINA_TZ).date())
    return [_out(r) for r in rows]


@router.post("/appointments/qr", response_model=PublicAppointment)
def resolve_qr(body: QrIn, session: DbSession, keys: Keys) -> PublicAppointment:
    with refusals():
        return _out(appointments.by_token(session, keys, body.token))


@router.post("/appointments/{appointment_id}/cancel", response_model=PublicAppointment)
def cancel(appointment_id: str, body: CancelIn, session: DbSession, clock: Clock, keys: Keys, request: Request,
           tasks: BackgroundTasks, settings: AppSettings,
           authorization: Annotated[str | None, Header()] = None) -> PublicAppointment:
    if body.id_number is None:  # without the ID number only staff may cancel: signed in as on every staff route
        user = refuse_if_change_due(session, session_user(session, authorization, clock(), settings), clock(),
                                    settings)
        if not STAFF_ROLES & set(user.role_names):
            raise ApiError(403, "role_required", "当前账号无权执行此操作（role required: clerk）", required=["clerk"])
        row = session.get(QueueAppointment, appointment_id)
        if row is not None:
            check_hall(user, session, {"hall_id": row.hall_id})
    elif body.booking_code is None:
        raise ApiError(422, "booking_code_required", "请输入预约码（the booking code is required）")
    else:
        with refusals():
            _limit_client(request, authorization, None, clock(), LOOKUPS)  # before `session` takes the write lock
    publisher = HallPublisher(session, request, tasks, clock())
    with refusals():
        row = appointments.cancel(session, keys, appointment_id, body.id_number, clock(), publisher.for_hall,
                                  code=body.booking_code)
    return _out(row)


@router.get("/businesses/{business_id}/slots", response_model=list[SlotOut])
def slots(business_id: int, day: Annotated[dt.date, Query()], session: DbSession) -> list[SlotOut]:
    business = session.get(Business, business_id)
    if business is None:
        raise ApiError(404, "unknown_business", "该业务不存在", business=business_id)
    config = load_hall_config(session, business.hall_id)
    quota = config.quotas.get(business_id) or Quota(business_id)
    rules = config.rules.appointment
    taken = dict(session.execute(select(QueueAppointment.slot_start, func.count()).where(
        QueueAppointment.business_id == business_id, QueueAppointment.day == day,
        QueueAppointment.state.in_(appointments.HOLDING)).group_by(QueueAppointment.slot_start)).all())
    taken = {start.astimezone(CHINA_TZ): n for start, n in taken.items()}
    step = dt.timedelta(minutes=rules.slot_minutes)
    return [SlotOut(start=s, end=s + step, booked=taken.get(s, 0), capacity=rules.capacity_per_slot)
            for s in booking.slots_for_day(day, quota, rules, CHINA_TZ)]


@router.post("/admin/halls/{hall_id}/appointments/no-shows", response_model=NoShowsOut)
def mark_no_shows(hall_id: int, session: DbSession, clock: Clock, user: Supervisor, request: Request,
                  tasks: BackgroundTasks) -> NoShowsOut:
    publisher = HallPublisher(session, request, tasks, clock())
    return NoShowsOut(marked=appointments.mark_no_shows(session, hall_id, clock(), publisher.for_hall(hall_id)))
