"""Exact times from a ticket's periods: how long it waited and how long it was served."""

from __future__ import annotations

import datetime as dt

from shared.queue.tickets import PeriodKind, Ticket, TicketState

_ZERO = dt.timedelta(0)


def time_in(ticket: Ticket, kind: PeriodKind, now: dt.datetime | None = None) -> dt.timedelta:
    """Total time spent in periods of `kind`; an open period is measured up to `now`."""
    return sum((p.duration(now) for p in ticket.periods if p.kind is kind), _ZERO)


def first_wait(ticket: Ticket, now: dt.datetime | None = None) -> dt.timedelta | None:
    """From issue to the first call: the wait the citizen feels. None if never called and no `now`."""
    first = ticket.periods[0]
    if first.end is not None:
        return first.duration()
    return first.duration(now) if now is not None else None


def service_time(ticket: Ticket) -> dt.timedelta | None:
    """Time actually served (all serving periods); None unless the ticket was finished."""
    if ticket.state is not TicketState.FINISHED:
        return None
    return time_in(ticket, PeriodKind.SERVING)


def finished_at(ticket: Ticket) -> dt.datetime | None:
    if ticket.state is not TicketState.FINISHED:
        return None
    return ticket.periods[-1].end
