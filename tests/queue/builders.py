"""Small builders for queue tests: a Monday morning in a hall, tickets issued at given minutes."""

from __future__ import annotations

import datetime as dt

from shared.queue.clock import CHINA_TZ, IssueTime
from shared.queue.config import Window, WindowService
from shared.queue.lifecycle import new_ticket
from shared.queue.tickets import Channel, GreenChannelReason, PriorityClass, Ticket

T0 = dt.datetime(2026, 11, 23, 9, 0, tzinfo=CHINA_TZ)   # a Monday, 09:00 hall time

APPT, GREEN, NORMAL = PriorityClass.APPOINTMENT, PriorityClass.GREEN_CHANNEL, PriorityClass.NORMAL


def at(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def ticket(number: str, *, minute: float = 0, business: int = 1, cls: PriorityClass = NORMAL,
           device: str = "K1", seq: int = 0, person: str | None = None,
           channel: Channel = Channel.DISPENSER) -> Ticket:
    when = at(minute)
    return new_ticket(id=f"id-{number}", number=number, business_id=business,
                      issued_at=IssueTime.at(when, 0, device, seq), wall_time=when, priority_class=cls,
                      channel=channel, person_id=person,
                      green_reason=GreenChannelReason.ELDERLY if cls is GREEN else None)


def window(window_id: int, *services: tuple[int, int], number: int | None = None) -> Window:
    """window(1, (business, level), …)"""
    return Window(window_id, number or window_id, tuple(WindowService(b, lvl) for b, lvl in services))


def resident_id(sequence: int, birth: str = "19800101") -> str:
    """A valid 18-character resident ID number (GB 11643) for test person `sequence`."""
    from shared.validation import resident_id_check_character
    first17 = f"440300{birth}{sequence:03d}"
    return first17 + resident_id_check_character(first17)
