"""The ticket state machine. Each function checks the ticket's state, returns a new Ticket and closes the
current timed period at `now`, so waiting and service times come straight from the event times.

    waiting → called → serving → finished
    called/serving → held → called (call back, same window)
    waiting/called/serving/held → waiting (transfer; period kind "transferred")
    called → no_show (after N recalls);  waiting/called/held → cancelled
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from shared.queue.clock import IssueTime, require_aware
from shared.queue.config import Window
from shared.queue.errors import CallRefused, WrongTicketState
from shared.queue.printing import require_callable
from shared.queue.rules import CallingRules
from shared.queue.tickets import (Channel, GreenChannelReason, Period, PeriodKind, PriorityClass, Ticket,
                                  TicketState)

W, C, S, H = TicketState.WAITING, TicketState.CALLED, TicketState.SERVING, TicketState.HELD


def new_ticket(*, id: str, number: str, business_id: int, issued_at: IssueTime, wall_time: dt.datetime,
               priority_class: PriorityClass, channel: Channel, person_id: str | None = None,
               appointment_id: str | None = None, green_reason: GreenChannelReason | None = None) -> Ticket:
    return Ticket(id=id, number=number, business_id=business_id, issued_at=issued_at,
                  priority_class=priority_class, channel=channel, state=W,
                  periods=(Period(PeriodKind.WAITING, require_aware(wall_time, "wall_time")),),
                  queue_key=issued_at, person_id=person_id, appointment_id=appointment_id,
                  green_reason=green_reason)


def _require(ticket: Ticket, action: str, *allowed: TicketState) -> None:
    if ticket.state not in allowed:
        raise WrongTicketState(action, ticket.number, ticket.state.value, tuple(s.value for s in allowed))


def _move(ticket: Ticket, state: TicketState, now: dt.datetime, next_period: PeriodKind | None,
          period_window: int | None = None, **changes: Any) -> Ticket:
    """Close the open period at `now`, open `next_period` (none for final states), set the new state."""
    require_aware(now, "now")
    periods = list(ticket.periods)
    current = ticket.current_period
    if current is not None:
        if now < current.start:
            raise ValueError(f"ticket {ticket.number}: event at {now} is before the current period began "
                             f"({current.start})")
        periods[-1] = dataclasses.replace(current, end=now)
    if next_period is not None:
        periods.append(Period(next_period, now, window_id=period_window))
    return dataclasses.replace(ticket, state=state, periods=tuple(periods), **changes)


def _check_window_may_take(ticket: Ticket, window: Window) -> None:
    if not window.serves(ticket.business_id):
        raise CallRefused("window_does_not_serve_business",
                          f"window {window.number} does not serve business {ticket.business_id}",
                          ticket=ticket.number, window=window.id, business=ticket.business_id)
    if ticket.target_window_id is not None and ticket.target_window_id != window.id:
        raise CallRefused("ticket_reserved_for_other_window",
                          f"ticket {ticket.number} was transferred to window {ticket.target_window_id}",
                          ticket=ticket.number, window=window.id, target_window=ticket.target_window_id)


def call(ticket: Ticket, window: Window, now: dt.datetime, clerk_id: str | None = None) -> Ticket:
    """顺呼 / 特呼: a waiting ticket is called to `window`."""
    _require(ticket, "call", W)
    require_callable(ticket.number, ticket.print_state)
    _check_window_may_take(ticket, window)
    return _move(ticket, C, now, PeriodKind.CALLED, window.id, window_id=window.id, clerk_id=clerk_id,
                 recalls=0)


def recall(ticket: Ticket, rules: CallingRules, now: dt.datetime) -> Ticket:
    """重呼: announce again. The called period goes on; only the count grows, up to the limit."""
    _require(ticket, "recall", C)
    require_aware(now, "now")
    if ticket.recalls >= rules.recall_limit:
        raise CallRefused("recall_limit_reached",
                          f"ticket {ticket.number} has been recalled {ticket.recalls} times "
                          f"(limit {rules.recall_limit})",
                          ticket=ticket.number, recalls=ticket.recalls, limit=rules.recall_limit)
    return dataclasses.replace(ticket, recalls=ticket.recalls + 1)


def start_service(ticket: Ticket, now: dt.datetime, clerk_id: str | None = None) -> Ticket:
    """The citizen has appeared at the window."""
    _require(ticket, "start serving", C)
    return _move(ticket, S, now, PeriodKind.SERVING, ticket.window_id, clerk_id=clerk_id or ticket.clerk_id)


def finish(ticket: Ticket, now: dt.datetime) -> Ticket:
    _require(ticket, "finish", S)
    return _move(ticket, TicketState.FINISHED, now, None)


def hold(ticket: Ticket, now: dt.datetime) -> Ticket:
    """挂起: set aside at this window (e.g. the citizen fetches a missing paper)."""
    _require(ticket, "hold", C, S)
    return _move(ticket, H, now, PeriodKind.HELD, ticket.window_id)


def call_back(ticket: Ticket, window: Window, now: dt.datetime) -> Ticket:
    """A held ticket is called again, by the window that holds it."""
    _require(ticket, "call back", H)
    if ticket.window_id != window.id:
        raise CallRefused("ticket_held_by_other_window",
                          f"ticket {ticket.number} is held by window {ticket.window_id}",
                          ticket=ticket.number, window=window.id, holder=ticket.window_id)
    return _move(ticket, C, now, PeriodKind.CALLED, window.id, recalls=0)


def mark_no_show(ticket: Ticket, rules: CallingRules, now: dt.datetime) -> Ticket:
    """弃号 / 过号: only after the configured number of recalls went unanswered."""
    _require(ticket, "mark as no-show", C)
    if ticket.recalls < rules.no_show_after_recalls:
        raise CallRefused("no_show_too_early",
                          f"ticket {ticket.number} needs {rules.no_show_after_recalls} recalls before no-show, "
                          f"has {ticket.recalls}", ticket=ticket.number, recalls=ticket.recalls,
                          needed=rules.no_show_after_recalls)
    return _move(ticket, TicketState.NO_SHOW, now, None)


def cancel(ticket: Ticket, now: dt.datetime) -> Ticket:
    """The citizen gives up the ticket (or staff void it) before service starts."""
    _require(ticket, "cancel", W, C, H)
    return _move(ticket, TicketState.CANCELLED, now, None)


def transfer(ticket: Ticket, now: dt.datetime, rules: CallingRules, *, to_business_id: int | None = None,
             to_window: Window | None = None, new_queue_key: IssueTime | None = None) -> Ticket:
    """转移 to another business and/or a specific window. The ticket waits again; by default it keeps its
    place (its original issue time), otherwise it goes behind everyone issued before `new_queue_key`.
    A waiting ticket may be moved too (e.g. a supervisor empties the line of a window that closes)."""
    _require(ticket, "transfer", W, C, S, H)
    business_id = ticket.business_id if to_business_id is None else to_business_id
    if business_id == ticket.business_id and to_window is None:
        raise CallRefused("transfer_needs_destination", f"ticket {ticket.number}: transfer to where?",
                          ticket=ticket.number)
    if to_window is not None and not to_window.serves(business_id):
        raise CallRefused("window_does_not_serve_business",
                          f"window {to_window.number} does not serve business {business_id}",
                          ticket=ticket.number, window=to_window.id, business=business_id)
    if rules.transfer_keeps_place:
        key = ticket.queue_key
    elif new_queue_key is None:
        raise ValueError("transfers go to the back of the line under these rules: pass new_queue_key")
    else:
        key = new_queue_key
    return _move(ticket, W, now, PeriodKind.TRANSFERRED, None, business_id=business_id, queue_key=key,
                 window_id=None, clerk_id=None, recalls=0, transfers=ticket.transfers + 1,
                 target_window_id=to_window.id if to_window is not None else None)
