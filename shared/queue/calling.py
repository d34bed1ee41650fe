"""Choosing the next ticket for a window — the heart of the queue — and explaining the choice.

Order of rules:
1. Max-wait escalation: a ticket of any business the window serves that has waited longer than the maximum
   is called first (highest class first, then the window's business level, then place in line), so neither
   a class nor a lower-level business starves.
2. Business level: the window's businesses with the best (lowest) level that has anyone waiting.
3. Fairness between priority classes and walk-ins (see `fairness`).
4. Inside the chosen kind: class (appointment before green channel), then place in line — the HLC issue time
   (`queue_key`), never the printed number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

from shared.queue.clock import to_ms, waited
from shared.queue.config import Window
from shared.queue.fairness import FairnessState, Turn
from shared.queue.rules import CallingRules
from shared.queue.tickets import Ticket, TicketState

ReasonArg = str | int


@dataclass(frozen=True)
class Reason:
    """One step of the explanation: a stable code and its arguments (the UI renders them in Chinese)."""

    code: str
    args: tuple[tuple[str, ReasonArg], ...] = ()

    def to_dict(self) -> dict[str, ReasonArg]:
        return {"code": self.code, **dict(self.args)}


@dataclass(frozen=True)
class Decision:
    window_id: int
    ticket: Ticket
    reasons: tuple[Reason, ...]
    fairness_after: FairnessState

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.reasons)

    def to_dict(self) -> dict[str, object]:
        return {"window": self.window_id, "ticket": self.ticket.number, "ticket_id": self.ticket.id,
                "class": int(self.ticket.priority_class), "reasons": [r.to_dict() for r in self.reasons]}


def may_call(window: Window, ticket: Ticket) -> bool:
    """The window may call this ticket: it waits, someone may hold it (shared.queue.printing), its business is
    served here, no other window reserved it."""
    return (ticket.state is TicketState.WAITING and ticket.print_state.callable
            and window.serves(ticket.business_id) and ticket.target_window_id in (None, window.id))


def is_overdue(ticket: Ticket, now: dt.datetime, rules: CallingRules) -> bool:
    return waited(ticket.queue_key, now) > rules.max_wait


def overdue_before_ms(now: dt.datetime, rules: CallingRules) -> int:
    """Tickets whose place in line is older than this (ms) have waited longer than the maximum."""
    return to_ms(now) - rules.max_wait // dt.timedelta(milliseconds=1)


_overdue_before_ms = overdue_before_ms


def contenders(entries: Iterable[tuple[Hashable, tuple[object, ...], str]], now: dt.datetime,
               rules: CallingRules) -> set[str]:
    """The tickets `choose_next` can pick or name in its reasons, from (group, place, id) of every ticket the
    window may call — group: (business, priority class); place: `_place`'s key, queue key first. Every rule
    of `choose_next` takes the first in line of some group (all of the group's overdue tickets come first), and
    the "passed over" reason after an escalation names the first one not overdue, so per group the first and
    the first not overdue are enough: `choose_next` over them decides exactly as over all (the server then
    loads a dozen tickets, not the whole day's queue)."""
    limit = _overdue_before_ms(now, rules)
    first: dict[Hashable, tuple[tuple[object, ...], str]] = {}
    first_fresh: dict[Hashable, tuple[tuple[object, ...], str]] = {}
    for group, place, ticket_id in entries:
        entry = (place, ticket_id)
        if group not in first or entry < first[group]:
            first[group] = entry
        if place[0].physical_ms >= limit and (group not in first_fresh or entry < first_fresh[group]):
            first_fresh[group] = entry
    return {e[1] for e in first.values()} | {e[1] for e in first_fresh.values()}


def _place(ticket: Ticket) -> tuple[object, ...]:
    return (ticket.queue_key, ticket.id)


def choose_next(window: Window, tickets: Iterable[Ticket], now: dt.datetime, fairness: FairnessState,
                rules: CallingRules) -> Decision | None:
    """The ticket `window` should call now, with reasons; None when it may call nobody."""
    candidates = [t for t in tickets if may_call(window, t)]
    if not candidates:
        return None
    limit = _overdue_before_ms(now, rules)
    overdue = [t for t in candidates if t.queue_key.physical_ms < limit]
    if overdue:
        return _escalated(window, candidates, overdue, now, fairness, rules)
    level = min(_level(window, t) for t in candidates)
    group = [t for t in candidates if _level(window, t) == level]
    reasons: list[Reason] = []
    turn = fairness.turn(rules.fairness)
    same_turn = [t for t in group if Turn.of(t.priority_class) is turn]
    ratio = f"{rules.fairness.priority}:{rules.fairness.normal}"
    if same_turn:
        reasons.append(Reason("fairness_turn", (("turn", turn.value), ("ratio", ratio))))
        pool = same_turn
    else:
        reasons.append(Reason("only_other_kind_waiting", (("turn", turn.value), ("ratio", ratio))))
        pool = group
    chosen = min(pool, key=lambda t: (t.priority_class, *_place(t)))
    if len(window.services) > 1:   # only worth saying where the window has a choice of businesses
        reasons.insert(0, Reason("business_level", (("business", chosen.business_id), ("level", level))))
    reasons.append(Reason(chosen.priority_class.code, (("class", int(chosen.priority_class)),)))
    reasons.append(Reason("earliest_in_line", (("issued_ms", chosen.queue_key.physical_ms),)))
    # Name the first ticket of the other kind, so the clerk sees who waits because of the ratio.
    other_kind = [t for t in group if Turn.of(t.priority_class) is not Turn.of(chosen.priority_class)]
    if other_kind:
        reasons.append(_passed_over(min(other_kind, key=lambda t: (t.priority_class, *_place(t)))))
    return Decision(window.id, chosen, tuple(reasons), fairness.after(chosen.priority_class, rules.fairness))


def _passed_over(ticket: Ticket) -> Reason:
    return Reason("passed_over", (("ticket", ticket.number), ("class", int(ticket.priority_class))))


def _level(window: Window, ticket: Ticket) -> int:
    level = window.level_of(ticket.business_id)
    assert level is not None  # guaranteed by may_call
    return level


def _escalated(window: Window, candidates: list[Ticket], overdue: list[Ticket], now: dt.datetime,
               fairness: FairnessState, rules: CallingRules) -> Decision:
    def rank(t: Ticket) -> tuple[object, ...]:
        return (t.priority_class, _level(window, t), *_place(t))

    chosen = min(overdue, key=rank)
    minutes = int(waited(chosen.queue_key, now).total_seconds() // 60)
    reasons = [Reason("waited_over_max", (("ticket", chosen.number), ("minutes", minutes),
                                          ("max_minutes", rules.max_wait_minutes))),
               Reason(chosen.priority_class.code, (("class", int(chosen.priority_class)),))]
    # Without escalation this ticket would have gone first: say so.
    overdue_ids = {t.id for t in overdue}
    usual = choose_next(window, [t for t in candidates if t.id not in overdue_ids], now, fairness, rules)
    if usual is not None:
        reasons.append(_passed_over(usual.ticket))
    return Decision(window.id, chosen, tuple(reasons), fairness.after(chosen.priority_class, rules.fairness))
