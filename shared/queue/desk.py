"""Window (desk) actions: pause/resume, call next, call specific, call back — the checks that involve the
window as a whole (paused? already busy?) on top of the ticket state machine in `lifecycle`."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from shared.queue import lifecycle
from shared.queue.calling import Decision, Reason, choose_next
from shared.queue.clock import require_aware
from shared.queue.config import Window
from shared.queue.errors import CallRefused
from shared.queue.fairness import FairnessState
from shared.queue.rules import CallingRules
from shared.queue.tickets import Ticket, TicketState


@dataclass(frozen=True)
class WindowStatus:
    """What a window is doing right now: paused or not, and its place in the fairness cycle."""

    window_id: int
    paused: bool = False
    paused_since: dt.datetime | None = None
    fairness: FairnessState = FairnessState()


@dataclass(frozen=True)
class CallResult:
    ticket: Ticket
    status: WindowStatus
    decision: Decision


def pause(status: WindowStatus, now: dt.datetime) -> WindowStatus:
    """暂停: the window stops calling; tickets it already called or serves are unaffected."""
    if status.paused:
        raise CallRefused("window_already_paused", f"window {status.window_id} is already paused",
                          window=status.window_id)
    return dataclasses.replace(status, paused=True, paused_since=require_aware(now, "now"))


def resume(status: WindowStatus) -> WindowStatus:
    if not status.paused:
        raise CallRefused("window_not_paused", f"window {status.window_id} is not paused",
                          window=status.window_id)
    return dataclasses.replace(status, paused=False, paused_since=None)


def current_ticket(window: Window, tickets: Iterable[Ticket]) -> Ticket | None:
    """The ticket this window has called or is serving (held tickets are set aside, not current)."""
    return next((t for t in tickets if t.window_id == window.id
                 and t.state in (TicketState.CALLED, TicketState.SERVING)), None)


def _ready(window: Window, status: WindowStatus, tickets: list[Ticket]) -> None:
    if status.window_id != window.id:
        raise ValueError(f"status of window {status.window_id} given for window {window.id}")
    if not window.active:
        raise CallRefused("window_inactive", f"window {window.number} is not in service", window=window.id)
    if status.paused:
        raise CallRefused("window_paused", f"window {window.number} is paused", window=window.id)
    busy = current_ticket(window, tickets)
    if busy is not None:
        raise CallRefused("window_busy", f"window {window.number} still has ticket {busy.number} "
                          f"({busy.state.value})", window=window.id, ticket=busy.number)


def call_next(window: Window, status: WindowStatus, tickets: Iterable[Ticket], now: dt.datetime,
              rules: CallingRules, clerk_id: str | None = None) -> CallResult:
    """顺呼: choose by the calling rules and call the chosen ticket."""
    pool = list(tickets)
    _ready(window, status, pool)
    decision = choose_next(window, pool, now, status.fairness, rules)
    if decision is None:
        raise CallRefused("no_ticket_waiting", f"nobody is waiting for window {window.number}", window=window.id)
    called = lifecycle.call(decision.ticket, window, now, clerk_id)
    return CallResult(called, dataclasses.replace(status, fairness=decision.fairness_after), decision)


def call_specific(window: Window, status: WindowStatus, ticket: Ticket, tickets: Iterable[Ticket],
                  now: dt.datetime, rules: CallingRules, clerk_id: str | None = None) -> CallResult:
    """特呼: the clerk calls a named ticket out of order; it still counts in the fairness cycle."""
    _ready(window, status, list(tickets))
    called = lifecycle.call(ticket, window, now, clerk_id)
    fairness = status.fairness.after(ticket.priority_class, rules.fairness)
    reason = Reason("called_specifically", (("ticket", ticket.number),))
    decision = Decision(window.id, ticket, (reason,), fairness)
    return CallResult(called, dataclasses.replace(status, fairness=fairness), decision)


def call_back(window: Window, status: WindowStatus, ticket: Ticket, tickets: Iterable[Ticket],
              now: dt.datetime) -> Ticket:
    """Call a held ticket back to the window that holds it (the window must be free)."""
    _ready(window, status, list(tickets))
    return lifecycle.call_back(ticket, window, now)
