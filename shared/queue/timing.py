"""Exact times from a ticket's periods: how long it waited and how long it was served."""

from __future__ import annotations

import datetime as dt

from shared.queue.tickets import PeriodKind, Ticket, TicketState

_ZERO = dt.timedelta(0)


def time_in(ticket: Ticket, kind: PeriodKind, now: dt.datetime | None = None) -> dt.timedelta:
    """Total time spent in periods of `kind`; an open period is measured up to `now`."""
    return sum((p.duration(now) for p in ticket.periods if p.kind is kind), _ZERO)


def first_wait(ticket: Ticket, now: dt.datetime | None = None) -> dt.timedelta | None:
    """From issue to the first call: the wait the citizen feels (moves between lines included).
    Never called: the wait so far while it still waits and `now` is given, otherwise None."""
    first_call = next((p for p in ticket.periods if p.kind is PeriodKind.CALLED), None)
    if first_call is not None:
        return first_call.start - ticket.issued_wall
    if ticket.state is TicketState.WAITING and now is not None:
        return max(now - ticket.issued_wall, _ZERO)
    return None


def service_time(ticket: Ticket) -> dt.timedelta | None:
    """Time actually served (all serving periods); None unless the ticket was finished."""
    if ticket.state is not TicketState.FINISHED:
        return None
    return time_in(ticket, PeriodKind.SERVING)


def finished_at(ticket: Ticket) -> dt.datetime | None:
    if ticket.state is not TicketState.FINISHED:
        return None
    return ticket.periods[-1].end
