"""The queue's ORM rows ↔ `shared.queue` objects and the rows published to devices, through the one codec
every node uses (shared.protocol.queue_rows); this module only adapts ORM rows to it. Handlers work on
domain Tickets and write them back through `save_ticket`."""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from server.queue.config import HallConfig
from server.queue.models import QueueAppointment, QueueCall, QueueRating, QueueTicket, QueueWindowState
from shared.protocol import queue_rows as codec
from shared.queue.clock import CHINA_TZ
from shared.queue.issuance import IssuedCounts
from shared.queue.fairness import FairnessState
from shared.queue.desk import WindowStatus
from shared.queue.tickets import ACTIVE_STATES, Ticket, TicketState


T = TypeVar("T")

HOLDING = ("booked", "checked_in")  # appointment states that hold a slot (and a unit of the day's quota)


# The columns the codec reads, named as in the published row.
_TICKET_COLUMNS = ("id", "display", "business_id", "issued_at", "priority_class", "channel", "state", "periods",
                   "queue_key", "person_key", "appointment_id", "green_reason", "window_id", "clerk",
                   "target_window_id", "recalls", "transfers", "print_state")


def _fields(row: QueueTicket) -> dict:
    return {c: getattr(row, c) for c in _TICKET_COLUMNS}


def ticket_of(row: QueueTicket, tz: dt.tzinfo | None = None) -> Ticket:
    """The domain ticket; `person_id` holds the blind index (the server never needs the ID number itself).
    `tz`: express its times in this zone (statistics group by the hall's local day)."""
    return codec.ticket_of(_fields(row), tz)


def progress(ticket: Ticket) -> dict:
    """The columns a transition (or the issue) writes: the published row's, and the line's index column."""
    return {**codec.ticket_progress(ticket), "line_ms": ticket.queue_key.physical_ms}


def save_ticket(row: QueueTicket, ticket: Ticket, now: dt.datetime) -> None:
    """Write a transition's result back onto its row."""
    for name, value in progress(ticket).items():
        setattr(row, name, value)
    row.updated_at = now


def add_flag(row: QueueTicket, flag: str) -> None:
    if flag not in row.flags:
        row.flags = [*row.flags, flag]  # a new list, so the JSON column sees the change


def ticket_row(row: QueueTicket) -> dict:
    return codec.ticket_row(ticket_of(row), hall_id=row.hall_id, day=row.day, person_key=row.person_key,
                           flags=row.flags)


def call_row(row: QueueCall) -> dict:
    return codec.call_row(call_id=row.id, hall_id=row.hall_id, ticket_id=row.ticket_id, display=row.display,
                          window_id=row.window_id, window_number=row.window_number, kind=row.kind, at=row.at,
                          accepted=row.accepted)


def window_row(row: QueueWindowState) -> dict:
    return codec.window_row(window_id=row.window_id, hall_id=row.hall_id, paused=row.paused,
                           current_ticket_id=row.current_ticket_id, since=row.since)


def rating_row(row: QueueRating) -> dict:
    return codec.rating_row(rating_id=row.id, hall_id=row.hall_id, ticket_id=row.ticket_id, window_id=row.window_id,
                           clerk=row.clerk, level=row.level, reason=row.reason, at=row.at,
                           rectification_due=row.rectification_due)


_HELD = "govhall_queue_rows_held"  # session.info key: the queue rows this unit of work has read


def held(session: Session, row: T) -> T:
    """Keep `row` for the rest of the unit of work. The identity map holds rows only while something else does:
    a counter's push brings 开始办理, 办结 and the next call, and each command read the same ticket and window
    row from the database again once the previous command's savepoint had flushed them. A rolled-back savepoint
    still expires what it changed, so a held row is never stale."""
    if row is not None:
        session.info.setdefault(_HELD, set()).add(row)
    return row


def ticket(session: Session, ticket_id: str) -> QueueTicket | None:
    return held(session, session.get(QueueTicket, ticket_id))


def window_state(session: Session, hall_id: int, window_id: int) -> QueueWindowState:
    state = held(session, session.get(QueueWindowState, window_id))
    if state is None:
        state = QueueWindowState(window_id=window_id, hall_id=hall_id, paused=False, since=None,
                                 current_ticket_id=None, fairness_priority=0, fairness_normal=0)
        session.add(state)
    return state


def status_of(state: QueueWindowState) -> WindowStatus:
    return codec.window_status_of({"window_id": state.window_id, "paused": state.paused, "since": state.since},
                                 FairnessState(state.fairness_priority, state.fairness_normal))


def save_status(state: QueueWindowState, status: WindowStatus) -> None:
    state.paused = status.paused
    state.fairness_priority, state.fairness_normal = status.fairness.priority_calls, status.fairness.normal_calls


# Built once: every call asks it (by index: ix_queue_ticket_window_state).
_AT_WINDOW = select(QueueTicket).where(QueueTicket.window_id == bindparam("window_id"),
                                       QueueTicket.state.in_(("called", "serving")))


def tickets_at_window(session: Session, window_id: int) -> list[Ticket]:
    """Tickets the window has called or serves (what makes it busy)."""
    return [ticket_of(r) for r in session.scalars(_AT_WINDOW, {"window_id": window_id})]


def active_ticket_of_person(session: Session, hall_id: int, business_id: int, person_key: str,
                            day: dt.date, at: dt.datetime | None = None) -> QueueTicket | None:
    """The person's ticket for the business that is open now — or, with `at` (when a ticket was issued),
    that was open then: a dispenser offline at the time may reach the server after the other one ended."""
    rows = session.scalars(select(QueueTicket).where(
        QueueTicket.hall_id == hall_id, QueueTicket.day == day, QueueTicket.business_id == business_id,
        QueueTicket.person_key == person_key)).all()
    for row in rows:
        if TicketState(row.state) in ACTIVE_STATES:
            return row
        end = row.periods[-1]["end"] if row.periods else None
        if at is not None and end is not None and at < codec.moment(end):
            return row
    return None


# Built once (every push of tickets asks them): building and keying a statement cost more than running it.
_WALK_INS = (select(QueueTicket.is_am, func.count())
             .where(QueueTicket.hall_id == bindparam("hall_id"), QueueTicket.issued_business_id == bindparam("business_id"),
                    QueueTicket.day == bindparam("day"), QueueTicket.counts_against_quota.is_(True))
             .group_by(QueueTicket.is_am))
_HOLDING_SLOTS = select(QueueAppointment.slot_start).where(
    QueueAppointment.business_id == bindparam("business_id"), QueueAppointment.day == bindparam("day"),
    QueueAppointment.state.in_(HOLDING))


def _core(session: Session):  # noqa: ANN202 - a Connection
    """The session's connection for a Core read (none of the ORM's per-statement work), after what the ORM's
    autoflush would have done: the read sees this unit's pending rows."""
    if session.new or session.dirty or session.deleted:
        session.flush()
    return session.connection()


def walk_in_counts(session: Session, hall_id: int, business_id: int, day: dt.date) -> tuple[int, int]:
    """(AM, PM) tickets of a business today that used its walk-in quota."""
    rows = _core(session).execute(_WALK_INS, {"hall_id": hall_id, "business_id": business_id, "day": day}).all()
    counts = {bool(am): n for am, n in rows}
    return counts.get(True, 0), counts.get(False, 0)


def reserved_counts(session: Session, config: HallConfig, business_id: int, day: dt.date) -> tuple[int, int]:
    """(AM, PM) appointments of a business that day still holding a slot."""
    quota = config.quotas.get(business_id)
    starts = _core(session).execute(_HOLDING_SLOTS, {"business_id": business_id, "day": day}).scalars()
    am = pm = 0
    for start in starts:
        local = start.astimezone(CHINA_TZ).time()
        if (quota.is_am(local) if quota is not None else local < dt.time(12)):
            am += 1
        else:
            pm += 1
    return am, pm


def issued_counts(session: Session, config: HallConfig, business_id: int, local: dt.datetime) -> IssuedCounts:
    """Walk-in tickets plus appointments still holding a slot: both draw on the day's quota."""
    am, pm = walk_in_counts(session, config.hall_id, business_id, local.date())
    booked_am, booked_pm = reserved_counts(session, config, business_id, local.date())
    return IssuedCounts(am + pm + booked_am + booked_pm, am + booked_am, pm + booked_pm)
