"""预约 on the server: booking (capacity, per-person daily limit and quota checked here, online), cancelling,
finding a person's bookings, QR look-up, check-in from an issued ticket, and marking no-shows once the late
limit has passed, which releases the slot's share of the quota to walk-ins.

The resident ID is stored sealed (SM4-GCM); devices see a masked copy and an index under the hall's ticket key
(shared.crypto.ticket_key), never one under the server's blind-index key. The name given at booking is sealed
too: the clerk's workstation asks for it once the booking is checked in (server/api/queue_booking_name.py); the
citizen's pages show it masked."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.approval.identity import open_name, seal_name
from server.notify.outbox import notify
from server.notify.phones import mobile
from server.queue import booking_code, booking_limits, store
from server.queue.config import load_hall_config, work_calendar
from server.queue.errors import reject
from server.queue.models import QueueAppointment
from shared.approval.personal import PHONE, RESIDENT_ID, protect, reveal, search_key
from shared.calendar import CalendarNotPublished
from shared.crypto.blind_index import blind_index
from shared.crypto.keys import KeyProvider
from shared.crypto.ticket_key import TicketKey, ticket_key_for
from shared.db.models import Business as BusinessRow
from shared.db.models import Hall as HallRow
from shared.protocol import queue_rows as codec
from shared.queue import appointment_qr
from shared.queue import appointments as booking
from shared.queue.clock import CHINA_TZ
from shared.queue.config import Quota
from shared.queue.issuance import remaining
from shared.validation import check_resident_id, mask_name

if TYPE_CHECKING:
    from server.sync.registry import CommandContext

Emit = Callable[[str, str, dict], None]  # publish (table, pk, row) to the hall scope
HOLDING = store.HOLDING
QR_KIND = appointment_qr.TOKEN_KIND
NAME_MAX = 30


def domain(row: QueueAppointment) -> booking.Appointment:
    return booking.Appointment(row.id, row.business_id, row.person_key, row.slot_start.astimezone(CHINA_TZ),
                               cancelled=row.state == "cancelled")


def appointment_row(row: QueueAppointment) -> dict:
    return codec.appointment_row(appointment_id=row.id, hall_id=row.hall_id, business_id=row.business_id,
                                 day=row.day, slot_start=row.slot_start, slot_end=row.slot_end,
                                 person_key=row.person_key, masked_id=row.masked_id, state=row.state,
                                 token_key=row.token_key)


def record_check_in(session: Session, ctx: CommandContext, row: QueueAppointment, ticket_id: str,
                    on_time: bool) -> None:
    row.state, row.ticket_id = ("checked_in" if on_time else "late"), ticket_id
    ctx.publish("queue_appointment", row.id, appointment_row(row))


def book(session: Session, keys: KeyProvider, *, business_id: int, slot_start: dt.datetime, id_number: str,
         now: dt.datetime, emit_for: Callable[[int], Emit], phone: str = "",
         name: str = "") -> tuple[QueueAppointment, str, str]:
    """Book a slot; returns the appointment, its QR token and its booking code (each shown once, never stored
    in clear). A mobile `phone` gets the booking's SMS and the near-call reminder of its ticket; `name` is
    kept sealed for the clerk who serves the checked-in booking."""
    local_now = now.astimezone(CHINA_TZ)
    person = check_resident_id(id_number, today=local_now.date()).number
    name = booking_name(name)
    mobile_number = mobile(phone) if phone else None
    if phone and mobile_number is None:
        raise reject("invalid_phone", status=422)
    business = session.get(BusinessRow, business_id)
    if business is None:
        raise reject("unknown_business", status=404, business=business_id)
    config = load_hall_config(session, business.hall_id)
    quota = config.quotas.get(business_id) or Quota(business_id)
    if not business.active:
        raise reject("business_inactive", business=business_id)
    if quota.paused:
        raise reject("business_paused", business=business_id)
    slot = slot_start.astimezone(CHINA_TZ)
    hall_key = ticket_key_for(keys, business.hall_id)
    key = search_key(RESIDENT_ID, person, hall_key)
    booking_limits.check_person(session, config.rules.appointment, key, now)
    in_slot = _count(session, QueueAppointment.business_id == business_id, QueueAppointment.slot_start == slot)
    that_day = _count(session, QueueAppointment.hall_id == business.hall_id, QueueAppointment.person_key == key,
                      QueueAppointment.day == slot.date())
    try:
        booking.check_booking(config.rules.appointment, quota, slot, local_now, booked_in_slot=in_slot,
                              person_bookings_that_day=that_day, calendar=work_calendar(session))
    except CalendarNotPublished:
        raise reject("hall_closed_that_day", day=slot.date().isoformat()) from None
    left = remaining(quota, store.issued_counts(session, config, business_id, slot), slot)
    if left.count == 0:
        code = "quota_exhausted" if left.limited_by == "daily" else f"{left.limited_by}_quota_exhausted"
        raise reject(code, business=business_id, day=slot.date().isoformat())
    appointment_id = str(uuid.uuid4())
    protected = protect(RESIDENT_ID, person, keys, f"queue_appointment:{appointment_id}")
    token, code = secrets.token_urlsafe(18), booking_code.new_code()
    row = QueueAppointment(id=appointment_id, hall_id=business.hall_id, business_id=business_id, day=slot.date(),
                           slot_start=slot, slot_end=slot + dt.timedelta(minutes=config.rules.appointment.slot_minutes),
                           person_key=key, id_sealed=protected.sealed, masked_id=protected.masked,
                           token_key=blind_index(QR_KIND, token, hall_key), state="booked", ticket_id=None,
                           created_at=now, code_hash=booking_code.code_hash(appointment_id, code, keys),
                           phone_sealed=protect(PHONE, mobile_number, keys, phone_where(appointment_id)).sealed
                           if mobile_number else None,
                           name_sealed=seal_name(name, keys, name_where(appointment_id)) if name else None,
                           masked_name=mask_name(name))
    session.add(row)
    session.flush()
    emit_for(row.hall_id)("queue_appointment", row.id, appointment_row(row))
    notify(session, "booking_confirmed", hall_id=row.hall_id, now=now, key=row.id, phone=mobile_number, keys=keys,
           params={"business": business.name, "slot": slot_text(row.slot_start)})
    return row, token, code


def booking_name(name: str) -> str:
    """The name as kept: inner runs of spaces made one, at most NAME_MAX characters, no control characters."""
    clean = " ".join((name or "").split())
    if len(clean) > NAME_MAX or any(not c.isprintable() for c in clean):
        raise reject("invalid_name", status=422, limit=NAME_MAX)
    return clean


def name_where(appointment_id: str) -> str:
    return f"queue_appointment:{appointment_id}:name"


def name_of(row: QueueAppointment, keys: KeyProvider) -> str:
    """The booking's name in clear ("" when none was given): for the clerk serving its ticket only."""
    return open_name(row.name_sealed or "", keys, name_where(row.id))


def phone_where(appointment_id: str) -> str:
    return f"queue_appointment:{appointment_id}:phone"


def phone_of(row: QueueAppointment, keys: KeyProvider) -> str | None:
    return reveal(PHONE, row.phone_sealed, keys, phone_where(row.id)) if row.phone_sealed else None


def slot_text(moment: dt.datetime) -> str:
    local = moment.astimezone(CHINA_TZ)
    return f"{local.month}月{local.day}日{local:%H:%M}"


def _count(session: Session, *where) -> int:  # noqa: ANN002
    return session.scalar(select(func.count()).select_from(QueueAppointment)
                          .where(*where, QueueAppointment.state.in_(HOLDING))) or 0


def _hall_keys(session: Session, keys: KeyProvider) -> list[TicketKey]:
    """Every hall's ticket key: a person's appointments in any hall, each indexed under its own hall's key."""
    return [ticket_key_for(keys, hall_id) for hall_id in session.scalars(select(HallRow.id))]


def for_person(session: Session, keys: KeyProvider, id_number: str, code: str,
               today: dt.date) -> list[QueueAppointment]:
    """The person's bookings that the booking code opens (the ID number alone opens none)."""
    person = check_resident_id(id_number, today=today).number
    person_keys = [search_key(RESIDENT_ID, person, k) for k in _hall_keys(session, keys)]
    rows = session.scalars(select(QueueAppointment).where(QueueAppointment.person_key.in_(person_keys))
                           .order_by(QueueAppointment.slot_start))
    return [r for r in rows if booking_code.matches(r.id, r.code_hash, code, keys)]


def cancel(session: Session, keys: KeyProvider, appointment_id: str, id_number: str | None, now: dt.datetime,
           emit_for: Callable[[int], Emit], code: str | None = None) -> QueueAppointment:
    """Cancel a booked appointment; without staff rights the caller proves it is theirs with the ID number and
    the booking code (either wrong: the same refusal)."""
    row = session.get(QueueAppointment, appointment_id)
    if row is None:
        raise reject("unknown_appointment", status=404, appointment=appointment_id)
    if id_number is not None:
        person = check_resident_id(id_number, today=now.astimezone(CHINA_TZ).date()).number
        if (search_key(RESIDENT_ID, person, ticket_key_for(keys, row.hall_id)) != row.person_key
                or not booking_code.matches(row.id, row.code_hash, code or "", keys)):
            raise reject("appointment_not_yours", status=403, appointment=appointment_id)
    if row.state != "booked":
        raise reject("appointment_not_cancellable", appointment=appointment_id, state=row.state)
    row.state = "cancelled"
    emit_for(row.hall_id)("queue_appointment", row.id, appointment_row(row))
    business = session.get(BusinessRow, row.business_id)
    notify(session, "booking_cancelled", hall_id=row.hall_id, now=now, key=row.id, phone=phone_of(row, keys),
           keys=keys, params={"business": business.name, "slot": slot_text(row.slot_start)})
    return row


def by_token(session: Session, keys: KeyProvider, token: str) -> QueueAppointment:
    token_keys = [blind_index(QR_KIND, token.strip(), k) for k in _hall_keys(session, keys)]
    row = session.scalars(select(QueueAppointment).where(
        QueueAppointment.token_key.in_(token_keys))).one_or_none()
    if row is None:
        raise reject("qr_token_unknown", status=404)
    return row


def mark_no_shows(session: Session, hall_id: int, now: dt.datetime, emit: Emit) -> int:
    """Booked appointments whose late limit has passed become no-shows: their slot no longer holds quota."""
    late = load_hall_config(session, hall_id).rules.check_in.late
    rows = session.scalars(select(QueueAppointment).where(
        QueueAppointment.hall_id == hall_id, QueueAppointment.state == "booked",
        QueueAppointment.slot_start < now - late))
    count = 0
    for row in rows:
        row.state = "no_show"
        emit("queue_appointment", row.id, appointment_row(row))
        count += 1
    return count
