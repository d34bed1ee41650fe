"""The synced queue rows (`queue_ticket`, `queue_window`, `queue_appointment`) as shared.queue objects.

Rows carry `person_key` (a blind index), never the ID number; the one-ticket rule compares people, so a
ticket whose key matches the person at the kiosk gets that person's ID number in memory (and no other does).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from shared.queue.appointment_qr import Booked
from shared.queue.appointments import Appointment
from shared.queue.clock import IssueTime
from shared.queue.desk import WindowStatus
from shared.queue.printing import PrintState
from shared.queue.tickets import (Channel, GreenChannelReason, Period, PeriodKind, PriorityClass, Ticket,
                                  TicketState)


def moment(value) -> dt.datetime:  # noqa: ANN001
    when = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.timezone.utc)


def _stamp(parts) -> IssueTime:  # noqa: ANN001
    physical, logical, device, seq = parts
    return IssueTime(int(physical), int(logical), str(device), int(seq))


def ticket_of(row: dict, person: tuple[str, str] | None = None) -> Ticket:
    """`person` = (key, ID number) of the citizen at the kiosk."""
    periods = tuple(Period(PeriodKind(p["kind"]), moment(p["start"]),
                           moment(p["end"]) if p.get("end") else None,
                           p.get("window_id")) for p in row.get("periods") or ())
    if not periods:
        periods = (Period(PeriodKind.WAITING, dt.datetime.fromtimestamp(row["issued_at"][0] / 1000,
                                                                        dt.timezone.utc)),)
    green = row.get("green_reason")
    priority = PriorityClass(int(row.get("priority_class", 3)))
    person_id = person[1] if person and row.get("person_key") and row["person_key"] == person[0] else None
    return Ticket(id=row["id"], number=row["display"], business_id=int(row["business_id"]),
                  issued_at=_stamp(row["issued_at"]), priority_class=priority,
                  channel=Channel(row["channel"]),
                  state=TicketState(row["state"]), periods=periods,
                  queue_key=_stamp(row.get("queue_key") or row["issued_at"]), person_id=person_id,
                  appointment_id=row.get("appointment_id"),
                  green_reason=(GreenChannelReason(green)
                                if green and priority is PriorityClass.GREEN_CHANNEL else None),
                  window_id=row.get("window_id"), clerk_id=row.get("clerk"),
                  target_window_id=row.get("target_window_id"), recalls=int(row.get("recalls", 0)),
                  transfers=int(row.get("transfers", 0)),
                  print_state=PrintState(row.get("print_state") or "printed"))


def tickets_of(rows: Iterable[dict], day: dt.date, person: tuple[str, str] | None = None) -> list[Ticket]:
    """Today's tickets; a row that does not parse is skipped rather than stopping the kiosk."""
    out = []
    for row in rows:
        if str(row.get("day")) != day.isoformat():
            continue
        try:
            out.append(ticket_of(row, person))
        except (KeyError, ValueError, TypeError):
            continue
    return out


def window_statuses(rows: Iterable[dict]) -> dict[int, WindowStatus]:
    statuses = {}
    for r in rows:
        since = moment(r["since"]) if r.get("paused") and r.get("since") else None
        statuses[int(r["window_id"])] = WindowStatus(int(r["window_id"]), bool(r.get("paused")), since)
    return statuses


def appointments_of(rows: Iterable[dict], person: tuple[str, str]) -> list[Appointment]:
    """The person's appointments (matched by key); their ID number stands in for the key in memory."""
    key, number = person
    out = []
    for r in rows:
        if r.get("person_key") != key:
            continue
        out.append(Appointment(r["id"], int(r["business_id"]), number, moment(r["slot_start"]),
                               cancelled=bool(r.get("cancelled")) or r.get("state") == "cancelled"))
    return out


def booked_by_token(rows: Iterable[dict], token_key: str) -> Booked | None:
    """The appointment whose QR token has this blind index; its person_key stands in for the person."""
    for r in rows:
        if r.get("token_key") == token_key:
            state = str(r.get("state") or "booked")
            return Booked(Appointment(r["id"], int(r["business_id"]), r["person_key"], moment(r["slot_start"]),
                                      cancelled=state == "cancelled"), state)
    return None
