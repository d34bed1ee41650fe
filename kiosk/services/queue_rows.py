"""The synced queue rows (`queue_ticket`, `queue_window`, `queue_appointment`) as shared.queue objects,
through the one codec (shared.queue.rows).

Rows carry `person_key` (a blind index), never the ID number; the one-ticket rule compares people, so a
ticket whose key matches the person at the kiosk gets that person's ID number in memory (and no other does).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace

from shared.queue.appointment_qr import Booked
from shared.queue.appointments import Appointment
from shared.protocol.queue_rows import appointment_of, ticket_of
from shared.queue.tickets import Ticket


def tickets_of(rows: Iterable[dict], day: dt.date, person: tuple[str, str] | None = None) -> list[Ticket]:
    """Today's tickets (shared.queue.rows); `person` = (key, ID number) of the citizen at the kiosk, whose
    tickets carry the ID number in memory. A row that does not parse is skipped rather than stopping the kiosk."""
    out = []
    for row in rows:
        if str(row.get("day")) != day.isoformat():
            continue
        try:
            ticket = ticket_of(row)
        except (KeyError, ValueError, TypeError):
            continue
        mine = person is not None and ticket.person_id is not None and ticket.person_id == person[0]
        out.append(replace(ticket, person_id=person[1] if mine else None))
    return out


def appointments_of(rows: Iterable[dict], person: tuple[str, str]) -> list[Appointment]:
    """The person's appointments (matched by key); their ID number stands in for the key in memory."""
    key, number = person
    return [appointment_of(r, number) for r in rows if r.get("person_key") == key]


def booked_by_token(rows: Iterable[dict], token_key: str) -> Booked | None:
    """The appointment whose QR token has this blind index; its person_key stands in for the person."""
    for r in rows:
        if r.get("token_key") == token_key:
            return Booked(appointment_of(r, r["person_key"]), str(r.get("state") or "booked"))
    return None
