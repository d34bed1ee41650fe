"""Queue rows (shared.protocol.queue TicketRow, as JSON dicts in the cache) to domain Tickets and back, so the
counter can run the same calling rules (shared.queue) on its local view that the server runs."""

from __future__ import annotations

import datetime as dt

from shared.queue.clock import IssueTime
from shared.queue.printing import PrintState
from shared.queue.tickets import Channel, GreenChannelReason, Period, PeriodKind, PriorityClass, Ticket, TicketState


def _time(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _stamp(parts: list) -> IssueTime:
    physical, logical, device, seq = parts
    return IssueTime(int(physical), int(logical), str(device), int(seq))


def ticket_from_row(row: dict) -> Ticket:
    periods = tuple(Period(PeriodKind(p["kind"]), _time(p["start"]), _time(p.get("end")), p.get("window_id"))
                    for p in row["periods"])
    green = row.get("green_reason")
    return Ticket(id=row["id"], number=row["display"], business_id=row["business_id"],
                  issued_at=_stamp(row["issued_at"]), priority_class=PriorityClass(row["priority_class"]),
                  channel=Channel(row["channel"]), state=TicketState(row["state"]), periods=periods,
                  queue_key=_stamp(row["queue_key"]), person_id=row.get("person_key"),
                  appointment_id=row.get("appointment_id"),
                  green_reason=GreenChannelReason(green) if green else None, window_id=row.get("window_id"),
                  clerk_id=row.get("clerk"), target_window_id=row.get("target_window_id"),
                  recalls=row.get("recalls", 0), transfers=row.get("transfers", 0),
                  print_state=PrintState(row.get("print_state") or "printed"))


def row_after(row: dict, ticket: Ticket) -> dict:
    """The optimistic row after a local transition: the published row with the ticket's changed fields."""
    return {**row, "state": ticket.state.value, "business_id": ticket.business_id,
            "window_id": ticket.window_id, "clerk": ticket.clerk_id, "target_window_id": ticket.target_window_id,
            "recalls": ticket.recalls, "transfers": ticket.transfers, "queue_key": list(ticket.queue_key.as_tuple()),
            "periods": [{"kind": p.kind.value, "start": p.start.isoformat(),
                         "end": p.end.isoformat() if p.end else None, "window_id": p.window_id}
                        for p in ticket.periods]}
