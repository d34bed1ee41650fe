"""Queue rows ↔ `shared.queue` objects, and the rows published to devices (exact shapes of
shared/protocol/queue.py). Handlers work on domain Tickets and write them back through `save_ticket`."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.queue.config import HallConfig
from server.queue.models import QueueAppointment, QueueCall, QueueRating, QueueTicket, QueueWindowState
from shared.protocol.queue import CallRow, RatingRow, TicketRow, WindowStateRow
from shared.queue.clock import CHINA_TZ, IssueTime
from shared.queue.issuance import IssuedCounts
from shared.queue.fairness import FairnessState
from shared.queue.printing import PrintState
from shared.queue.desk import WindowStatus
from shared.queue.tickets import (Channel, GreenChannelReason, Period, PeriodKind, PriorityClass, Ticket,
                                  TicketState)


HOLDING = ("booked", "checked_in")  # appointment states that hold a slot (and a unit of the day's quota)


def _stamp(parts: list) -> IssueTime:
    return IssueTime(int(parts[0]), int(parts[1]), str(parts[2]), int(parts[3]))


def _moment(text: str, tz: dt.tzinfo | None = None) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text)
    return moment.astimezone(tz) if tz is not None else moment


def period_json(p: Period) -> dict:
    return {"kind": p.kind.value, "start": p.start.isoformat(), "end": p.end.isoformat() if p.end else None,
            "window_id": p.window_id}


def ticket_of(row: QueueTicket, tz: dt.tzinfo | None = None) -> Ticket:
    """The domain ticket; `person_id` holds the blind index (the server never needs the ID number itself).
    `tz`: express its times in this zone (statistics group by the hall's local day)."""
    periods = tuple(Period(PeriodKind(p["kind"]), _moment(p["start"], tz), _moment(p["end"], tz) if p["end"] else None,
                           p.get("window_id")) for p in row.periods)
    return Ticket(id=row.id, number=row.display, business_id=row.business_id, issued_at=_stamp(row.issued_at),
                  priority_class=PriorityClass(row.priority_class), channel=Channel(row.channel),
                  state=TicketState(row.state), periods=periods, queue_key=_stamp(row.queue_key),
                  person_id=row.person_key, appointment_id=row.appointment_id,
                  green_reason=GreenChannelReason(row.green_reason) if row.green_reason else None,
                  window_id=row.window_id, clerk_id=row.clerk, target_window_id=row.target_window_id,
                  recalls=row.recalls, transfers=row.transfers, print_state=PrintState(row.print_state))


def save_ticket(row: QueueTicket, ticket: Ticket, now: dt.datetime) -> None:
    """Write a transition's result back onto its row."""
    row.business_id, row.state, row.window_id = ticket.business_id, ticket.state.value, ticket.window_id
    row.clerk, row.target_window_id = ticket.clerk_id, ticket.target_window_id
    row.recalls, row.transfers = ticket.recalls, ticket.transfers
    row.queue_key = list(ticket.queue_key.as_tuple())
    row.periods = [period_json(p) for p in ticket.periods]
    row.updated_at = now


def add_flag(row: QueueTicket, flag: str) -> None:
    if flag not in row.flags:
        row.flags = [*row.flags, flag]  # a new list, so the JSON column sees the change


def ticket_row(row: QueueTicket) -> dict:
    return TicketRow(id=row.id, hall_id=row.hall_id, business_id=row.business_id, display=row.display, day=row.day,
                     channel=row.channel, priority_class=row.priority_class, green_reason=row.green_reason,
                     appointment_id=row.appointment_id, person_key=row.person_key, issued_at=list(row.issued_at),
                     queue_key=list(row.queue_key), state=row.state, window_id=row.window_id, clerk=row.clerk,
                     target_window_id=row.target_window_id, recalls=row.recalls, transfers=row.transfers,
                     periods=row.periods, printed=row.printed, print_state=row.print_state,
                     flags=list(row.flags)).model_dump(mode="json")


def call_row(row: QueueCall) -> dict:
    return CallRow(id=row.id, hall_id=row.hall_id, ticket_id=row.ticket_id, display=row.display,
                   window_id=row.window_id, window_number=row.window_number, kind=row.kind, at=row.at,
                   accepted=row.accepted).model_dump(mode="json")


def window_row(row: QueueWindowState) -> dict:
    return WindowStateRow(window_id=row.window_id, hall_id=row.hall_id, paused=row.paused,
                          current_ticket_id=row.current_ticket_id, since=row.since).model_dump(mode="json")


def rating_row(row: QueueRating) -> dict:
    return RatingRow(id=row.id, hall_id=row.hall_id, ticket_id=row.ticket_id, window_id=row.window_id,
                     clerk=row.clerk, level=row.level, reason=row.reason, at=row.at,
                     rectification_due=row.rectification_due).model_dump(mode="json")


def window_state(session: Session, hall_id: int, window_id: int) -> QueueWindowState:
    state = session.get(QueueWindowState, window_id)
    if state is None:
        state = QueueWindowState(window_id=window_id, hall_id=hall_id, paused=False, since=None,
                                 current_ticket_id=None, fairness_priority=0, fairness_normal=0)
        session.add(state)
    return state


def status_of(state: QueueWindowState) -> WindowStatus:
    return WindowStatus(state.window_id, state.paused, state.since if state.paused else None,
                        FairnessState(state.fairness_priority, state.fairness_normal))


def save_status(state: QueueWindowState, status: WindowStatus) -> None:
    state.paused = status.paused
    state.fairness_priority, state.fairness_normal = status.fairness.priority_calls, status.fairness.normal_calls


def tickets_at_window(session: Session, window_id: int) -> list[Ticket]:
    """Tickets the window has called or serves (what makes it busy)."""
    rows = session.scalars(select(QueueTicket).where(QueueTicket.window_id == window_id,
                                                     QueueTicket.state.in_(("called", "serving"))))
    return [ticket_of(r) for r in rows]


def active_ticket_of_person(session: Session, hall_id: int, business_id: int, person_key: str,
                            day: dt.date, at: dt.datetime | None = None) -> QueueTicket | None:
    """The person's ticket for the business that is open now — or, with `at` (when a ticket was issued),
    that was open then: a dispenser offline at the time may reach the server after the other one ended."""
    rows = session.scalars(select(QueueTicket).where(
        QueueTicket.hall_id == hall_id, QueueTicket.day == day, QueueTicket.business_id == business_id,
        QueueTicket.person_key == person_key)).all()
    for row in rows:
        if row.state in ("waiting", "called", "serving", "held"):
            return row
        end = row.periods[-1]["end"] if row.periods else None
        if at is not None and end is not None and at < _moment(end):
            return row
    return None


def walk_in_counts(session: Session, hall_id: int, business_id: int, day: dt.date) -> tuple[int, int]:
    """(AM, PM) tickets of a business today that used its walk-in quota."""
    rows = session.execute(select(QueueTicket.is_am, func.count()).where(
        QueueTicket.hall_id == hall_id, QueueTicket.issued_business_id == business_id, QueueTicket.day == day,
        QueueTicket.counts_against_quota.is_(True)).group_by(QueueTicket.is_am)).all()
    counts = {bool(am): n for am, n in rows}
    return counts.get(True, 0), counts.get(False, 0)


def reserved_counts(session: Session, config: HallConfig, business_id: int, day: dt.date) -> tuple[int, int]:
    """(AM, PM) appointments of a business that day still holding a slot."""
    quota = config.quotas.get(business_id)
    starts = session.scalars(select(QueueAppointment.slot_start).where(
        QueueAppointment.business_id == business_id, QueueAppointment.day == day,
        QueueAppointment.state.in_(HOLDING)))
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
