"""People ahead, estimated wait and the near-call reminder.

People ahead comes from replaying `choose_next` itself, so it can never disagree with the calling rules:
the open windows call in turn (by window number) from the tickets waiting now, with `now` held fixed, until
everyone is placed. The people ahead of a ticket are those called before it by windows that may call it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from shared.queue.calling import choose_next, may_call
from shared.queue.config import Window
from shared.queue.desk import WindowStatus
from shared.queue.fairness import FairnessState
from shared.queue.rules import CallingRules, EstimateRules
from shared.queue.tickets import Ticket, TicketState
from shared.queue.timing import finished_at, service_time


@dataclass(frozen=True)
class PredictedCall:
    window_id: int
    ticket_id: str


def open_windows(windows: Iterable[Window], statuses: Mapping[int, WindowStatus]) -> list[Window]:
    """Active windows that are not paused, by window number. A window without a status counts as open."""
    return sorted((w for w in windows if w.active and not _paused(statuses, w.id)), key=lambda w: w.number)


def _paused(statuses: Mapping[int, WindowStatus], window_id: int) -> bool:
    status = statuses.get(window_id)
    return status is not None and status.paused


def predicted_order(windows: Iterable[Window], statuses: Mapping[int, WindowStatus], tickets: Iterable[Ticket],
                    now: dt.datetime, rules: CallingRules, stop_after: int | None = None) -> list[PredictedCall]:
    """The calls the open windows would make, in turn, if nobody else arrived. With `stop_after`, only until
    every open window has made more than that many calls or has nobody left to call (enough to know who is
    within `stop_after` of the front)."""
    desks = open_windows(windows, statuses)
    fairness = {w.id: statuses[w.id].fairness if w.id in statuses else FairnessState() for w in desks}
    waiting = [t for t in tickets if t.state is TicketState.WAITING]
    # Each window's own line, so every step looks only at the tickets that window may call.
    lines = {w.id: {t.id: t for t in waiting if may_call(w, t)} for w in desks}
    order: list[PredictedCall] = []
    made = {w.id: 0 for w in desks}
    progress = True
    while progress:
        progress = False
        for window in desks:
            decision = choose_next(window, lines[window.id].values(), now, fairness[window.id], rules)
            if decision is None:
                continue
            fairness[window.id] = decision.fairness_after
            for line in lines.values():
                line.pop(decision.ticket.id, None)
            order.append(PredictedCall(window.id, decision.ticket.id))
            made[window.id] += 1
            progress = True
        if stop_after is not None and all(made[w.id] > stop_after or not lines[w.id] for w in desks):
            break
    return order


def people_ahead(windows: Sequence[Window], statuses: Mapping[int, WindowStatus], tickets: Iterable[Ticket],
                 now: dt.datetime, rules: CallingRules, up_to: int | None = None) -> dict[str, int | None]:
    """For every waiting ticket: how many would be called before it at windows that may call it.
    None when no open window can call it (the business has no open window). With `up_to`, only the tickets
    with at most that many ahead are certain to be in the result (the near-call scan needs no more); a
    ticket left out has more ahead."""
    pool = [t for t in tickets if t.state is TicketState.WAITING]
    by_id = {t.id: t for t in pool}
    by_window = {w.id: w for w in windows}
    result: dict[str, int | None] = {t.id: None for t in pool} if up_to is None else {}
    calls_so_far = {w.id: 0 for w in windows}      # calls each window made before the current one
    for call in predicted_order(windows, statuses, pool, now, rules, stop_after=up_to):
        ticket = by_id[call.ticket_id]
        result[ticket.id] = sum(n for wid, n in calls_so_far.items() if _could_call(by_window[wid], ticket))
        calls_so_far[call.window_id] += 1
    return result


def _could_call(window: Window, ticket: Ticket) -> bool:
    return may_call(window, dataclasses.replace(ticket, state=TicketState.WAITING))


def mean_service_time(tickets: Iterable[Ticket], business_id: int, rules: EstimateRules) -> dt.timedelta:
    """Rolling mean of the last `sample_size` service times of a business; the default before any."""
    done = sorted((t for t in tickets if t.business_id == business_id and t.state is TicketState.FINISHED),
                  key=lambda t: (finished_at(t), t.id))
    samples = [service_time(t) for t in done[-rules.sample_size:]]
    durations = [s for s in samples if s is not None]
    if not durations:
        return dt.timedelta(minutes=rules.default_service_minutes)
    return sum(durations, dt.timedelta(0)) / len(durations)


@dataclass(frozen=True)
class WaitEstimate:
    ticket_id: str
    people_ahead: int | None
    open_windows: int
    mean_service: dt.timedelta
    estimated_wait: dt.timedelta | None   # None when no open window can call the ticket


def estimate_wait(ticket: Ticket, ahead: int | None, windows: Iterable[Window],
                  statuses: Mapping[int, WindowStatus], mean_service: dt.timedelta) -> WaitEstimate:
    """people ahead ÷ open windows that may call it × mean service time."""
    count = sum(1 for w in open_windows(windows, statuses) if _could_call(w, ticket))
    wait = None if ahead is None or count == 0 else mean_service * ahead / count
    return WaitEstimate(ticket.id, ahead, count, mean_service, wait)


def wait_estimates(windows: Sequence[Window], statuses: Mapping[int, WindowStatus], tickets: Sequence[Ticket],
                   now: dt.datetime, calling: CallingRules, estimating: EstimateRules) -> dict[str, WaitEstimate]:
    """Estimates for every waiting ticket at once (what the hall display and the WeChat query show)."""
    ahead = people_ahead(windows, statuses, tickets, now, calling)
    means: dict[int, dt.timedelta] = {}
    result = {}
    for t in tickets:
        if t.state is TicketState.WAITING:
            if t.business_id not in means:
                means[t.business_id] = mean_service_time(tickets, t.business_id, estimating)
            result[t.id] = estimate_wait(t, ahead[t.id], windows, statuses, means[t.business_id])
    return result


@dataclass(frozen=True)
class NearCallIntent:
    """Ask the notification outbox to tell the citizen their turn is near (SMS, WeChat, silent calling)."""

    ticket_id: str
    ticket_number: str
    people_ahead: int


def near_call_intents(tickets: Iterable[Ticket], ahead: Mapping[str, int | None], rules: CallingRules,
                      already_notified: frozenset[str]) -> tuple[list[NearCallIntent], frozenset[str]]:
    """Intents for waiting tickets whose people-ahead count reached the threshold and that were never
    notified; returns them with the updated set of notified tickets (so each ticket is told once)."""
    intents = []
    for ticket in sorted(tickets, key=lambda t: t.queue_key):
        count = ahead.get(ticket.id)
        if (ticket.state is TicketState.WAITING and ticket.id not in already_notified and count is not None
                and count <= rules.near_call_threshold):
            intents.append(NearCallIntent(ticket.id, ticket.number, count))
    return intents, already_notified | {i.ticket_id for i in intents}
