"""The queue's published rows (shapes in shared/protocol/queue.py) ↔ shared.queue objects: the one codec the
server publishes with and the kiosk and the counter client build their optimistic rows and read synced rows
with, so that a row written locally is the row the server will send back.

Rows carry `person_key` (a blind index), never the ID number: a decoded ticket's `person_id` is that key.
Times are written in UTC, whatever zone the writer's clock was in (rows compare equal across nodes).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from shared.protocol.queue import TicketRow
from shared.queue.appointments import Appointment
from shared.queue.clock import IssueTime
from shared.queue.desk import WindowStatus
from shared.queue.fairness import FairnessState
from shared.queue.printing import PrintState
from shared.queue.ratings import Rating, RatingLevel, Visit
from shared.queue.tickets import (Channel, GreenChannelReason, Period, PeriodKind, PriorityClass, Ticket,
                                  TicketState)
from shared.queue.timing import finished_at


def moment(value: str | dt.datetime, tz: dt.tzinfo | None = None) -> dt.datetime:
    """A row's time as an aware datetime (a naive one is UTC: SQLite drops the zone); in `tz` if given."""
    when = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    when = when if when.tzinfo is not None else when.replace(tzinfo=dt.timezone.utc)
    return when.astimezone(tz) if tz is not None else when


def _utc_text(when: dt.datetime) -> str:
    """UTC, written as the wire models write it (`…Z`), so a row reads the same from a push or from the API."""
    return moment(when, dt.timezone.utc).isoformat().replace("+00:00", "Z")


def stamp_of(parts: Sequence) -> IssueTime:
    """[physical_ms, logical, device_id, device_seq] as an IssueTime."""
    physical, logical, device, seq = parts
    return IssueTime(int(physical), int(logical), str(device), int(seq))


def period_json(p: Period) -> dict:
    return {"kind": p.kind.value, "start": _utc_text(p.start), "end": _utc_text(p.end) if p.end else None,
            "window_id": p.window_id}


def period_of(d: Mapping, tz: dt.tzinfo | None = None) -> Period:
    return Period(PeriodKind(d["kind"]), moment(d["start"], tz), moment(d["end"], tz) if d.get("end") else None,
                  d.get("window_id"))


def ticket_of(row: Mapping, tz: dt.tzinfo | None = None) -> Ticket:
    """The domain ticket of a `queue_ticket` row. `tz`: express its times in this zone (statistics group by
    the hall's local day)."""
    green = row.get("green_reason")
    return Ticket(id=row["id"], number=row["display"], business_id=int(row["business_id"]),
                  issued_at=stamp_of(row["issued_at"]), priority_class=PriorityClass(int(row["priority_class"])),
                  channel=Channel(row["channel"]), state=TicketState(row["state"]),
                  periods=tuple(period_of(p, tz) for p in row["periods"]), queue_key=stamp_of(row["queue_key"]),
                  person_id=row.get("person_key"), appointment_id=row.get("appointment_id"),
                  green_reason=GreenChannelReason(green) if green else None, window_id=row.get("window_id"),
                  clerk_id=row.get("clerk"), target_window_id=row.get("target_window_id"),
                  recalls=int(row.get("recalls") or 0), transfers=int(row.get("transfers") or 0),
                  print_state=PrintState(row.get("print_state") or PrintState.PRINTED.value))


def tickets_of(rows: Iterable[Mapping], day: dt.date | None = None) -> list[Ticket]:
    """The tickets of the synced rows (of `day` only, if given)."""
    wanted = day.isoformat() if day is not None else None
    return [ticket_of(r) for r in rows if wanted is None or str(r.get("day")) == wanted]


def ticket_progress(ticket: Ticket) -> dict:
    """The row fields a transition (call, start, finish, hold, transfer, print outcome…) changes."""
    return {"business_id": ticket.business_id, "state": ticket.state.value, "window_id": ticket.window_id,
            "printed": ticket.print_state.printed, "print_state": ticket.print_state.value,
            "clerk": ticket.clerk_id, "target_window_id": ticket.target_window_id, "recalls": ticket.recalls,
            "transfers": ticket.transfers, "queue_key": list(ticket.queue_key.as_tuple()),
            "periods": [period_json(p) for p in ticket.periods]}


def row_after(row: Mapping, ticket: Ticket) -> dict:
    """The optimistic row after a local transition: the synced row with the ticket's changed fields."""
    return {**row, **ticket_progress(ticket)}


def ticket_row(ticket: Ticket, *, hall_id: int, day: dt.date, person_key: str | None,
               flags: Iterable[str] = ()) -> dict:
    """The published `queue_ticket` row. `person_key` is passed apart: a kiosk's ticket holds the ID number."""
    row = {"id": ticket.id, "hall_id": hall_id, "business_id": ticket.business_id, "display": ticket.number,
           "day": day.isoformat(), "channel": ticket.channel.value, "priority_class": int(ticket.priority_class),
           "green_reason": ticket.green_reason.value if ticket.green_reason else None,
           "appointment_id": ticket.appointment_id, "person_key": person_key,
           "issued_at": list(ticket.issued_at.as_tuple()), "flags": list(flags),
           **ticket_progress(ticket)}
    TicketRow.model_validate(row)  # the wire contract: a drift between codec and protocol fails at once
    return row


def call_row(*, call_id: str, hall_id: int | None, ticket_id: str, display: str, window_id: int,
             window_number: int, kind: str, at: dt.datetime, accepted: bool = True) -> dict:
    """A `queue_call` row. `hall_id` None: a counter client that does not know its hall (the server's row,
    pulled after the push, replaces the optimistic one)."""
    return {"id": call_id, "hall_id": hall_id, "ticket_id": ticket_id, "display": display,
            "window_id": window_id, "window_number": window_number, "kind": kind, "at": _utc_text(at),
            "accepted": accepted}


def window_row(*, window_id: int, hall_id: int | None, paused: bool, current_ticket_id: str | None,
               since: dt.datetime | None) -> dict:
    """A `queue_window` row (`hall_id` None as for call_row)."""
    return {"window_id": window_id, "hall_id": hall_id, "paused": paused, "current_ticket_id": current_ticket_id,
            "since": _utc_text(since) if since else None}


def window_status_of(row: Mapping, fairness: FairnessState | None = None) -> WindowStatus:
    """A `queue_window` row as the calling rules' WindowStatus (the fairness counters are the server's own)."""
    paused = bool(row.get("paused"))
    since = moment(row["since"]) if paused and row.get("since") else None
    return WindowStatus(int(row["window_id"]), paused, since, fairness or FairnessState())


def window_statuses(rows: Iterable[Mapping]) -> dict[int, WindowStatus]:
    return {int(r["window_id"]): window_status_of(r) for r in rows}


def rating_row(*, rating_id: str, hall_id: int, ticket_id: str, window_id: int, clerk: str, level: str | None,
               reason: str, at: dt.datetime, rectification_due: dt.date | None) -> dict:
    """A `queue_rating` row: the evaluator's optimistic one has no rectification date yet (the server works it
    out from the hall's calendar)."""
    return {"id": rating_id, "hall_id": hall_id, "ticket_id": ticket_id, "window_id": window_id, "clerk": clerk,
            "level": level, "reason": reason, "at": _utc_text(at),
            "rectification_due": rectification_due.isoformat() if rectification_due else None}


def appointment_row(*, appointment_id: str, hall_id: int, business_id: int, day: dt.date, slot_start: dt.datetime,
                    slot_end: dt.datetime, person_key: str, masked_id: str, state: str,
                    token_key: str | None) -> dict:
    """A `queue_appointment` row."""
    return {"id": appointment_id, "hall_id": hall_id, "business_id": business_id, "day": day.isoformat(),
            "slot_start": _utc_text(slot_start), "slot_end": _utc_text(slot_end), "person_key": person_key,
            "masked_id": masked_id, "state": state, "token_key": token_key}


def appointment_of(row: Mapping, person_id: str) -> Appointment:
    """The booking of a `queue_appointment` row; `person_id` stands in for its person (the ID number a kiosk
    read from the card, or the row's own key when only a QR token is known)."""
    return Appointment(row["id"], int(row["business_id"]), person_id, moment(row["slot_start"]),
                       cancelled=row.get("state") == "cancelled")


def rating_of(row: Mapping, ticket: Ticket, tz: dt.tzinfo) -> Rating | None:
    """A `queue_rating` row as the Rating the server counts (its visit: the rated ticket's business and end of
    service, the window and clerk the rating names), in `tz`; None when the ticket is not finished (any more)."""
    end = finished_at(ticket)
    if end is None:
        return None
    visit = Visit(ticket.id, ticket.number, ticket.business_id, int(row["window_id"]), str(row["clerk"]),
                  end.astimezone(tz))
    level = row.get("level")
    return Rating(visit, RatingLevel(level) if level else None, moment(row["at"], tz), row.get("reason") or "")
