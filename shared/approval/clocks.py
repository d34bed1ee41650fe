"""Clocks derived from a case's events (never a stored due date): statutory (Art. 42), promised, Art. 44's
licence issue, and one per step — with red and yellow cards."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from shared.approval.counting import EstimatingCalendar, pauses_for
from shared.approval.definition import ISSUE_DAYS, ClockEffect, WorkflowDefinition
from shared.approval.state import SPECIAL, CaseState, StepVisit
from shared.calendar import WorkCalendar

DEFAULT_MARGIN = 2  # working days before the due day at which a clock turns yellow


class Card(str, Enum):
    GREEN = "green"
    YELLOW = "yellow_card"
    RED = "red_card"


@dataclass(frozen=True)
class Clock:
    name: str                       # "statutory", "promised", "issue" or "step:<step name>"
    start: dt.date                  # not counted itself (Art. 82 counting)
    budget: int                     # working days allowed, extensions included
    used: int                       # working days counted up to today (or to when it finished)
    due: dt.date | None             # None while the clock is stopped
    finished_on: dt.date | None
    stopped: bool
    card: Card
    unknown_years: tuple[int, ...] = ()  # calendar years that had to be guessed

    @property
    def remaining(self) -> int:
        return self.budget - self.used

    @property
    def provisional(self) -> bool:
        return bool(self.unknown_years)

    @property
    def overdue(self) -> bool:
        return self.card is Card.RED


def stop_intervals(state: CaseState, definition: WorkflowDefinition) -> list[tuple[dt.date, dt.date | None]]:
    """Every interval in which the statutory clock stands still: Art. 45 procedures, visits to steps whose
    clock effect is `stops`, and — when the definition says so — corrections asked for after acceptance."""
    intervals = [(s.started_on, s.ended_on) for s in state.stops
                 if s.kind == SPECIAL or (definition.correction_stops_clock and not s.before_acceptance)]
    stopping = {s.name for s in definition.steps if s.clock_effect is ClockEffect.STOPS}
    intervals += [(v.entered_on, v.left_on) for v in state.visits if v.step in stopping]
    return intervals


def run_clock(name: str, start: dt.date, budget: int, intervals: Iterable[tuple[dt.date, dt.date | None]],
              finished_on: dt.date | None, today: dt.date, calendar: WorkCalendar,
              margin: int = DEFAULT_MARGIN) -> Clock:
    intervals = list(intervals)
    end = finished_on or today
    stopped = finished_on is None and any(e is None for _, e in intervals)
    est = EstimatingCalendar(calendar)
    used = est.workdays_between(start, end, pauses_for(intervals, end))
    closed = [(s, e) for s, e in intervals if e is not None]
    due = None if stopped else est.add_workdays(start, budget, pauses_for(closed, end))
    if finished_on is not None:
        card = Card.RED if due is not None and finished_on > due else Card.GREEN
    else:
        card = card_for(budget - used, due is not None and today > due, margin)
    return Clock(name, start, budget, used, due, finished_on, stopped, card, tuple(sorted(est.unknown_years)))


def card_for(remaining: int, past_due: bool, margin: int = DEFAULT_MARGIN) -> Card:
    """The card of a running clock: red once past its due day or out of working days, yellow within
    `margin` working days of it. The one rule for case views (server) and case lists (clients)."""
    if past_due or remaining < 0:
        return Card.RED
    return Card.YELLOW if remaining <= margin else Card.GREEN


@dataclass(frozen=True)
class DueCard:
    remaining: int                  # working days left until the due day (negative: working days past it)
    card: Card
    unknown_years: tuple[int, ...]  # years counted by the weekday rule (calendar not published): provisional


def due_card(due: dt.date, today: dt.date, calendar: WorkCalendar, margin: int = DEFAULT_MARGIN) -> DueCard:
    """Today's card for a running clock known only by its due day (a case list row): the same counting as
    `run_clock` — working days between today and the due day, a year the calendar does not cover counted by
    the weekday rule and reported as unknown (EstimatingCalendar) — and the same `card_for`."""
    est = EstimatingCalendar(calendar)
    left = est.workdays_between(today, due) if due >= today else -est.workdays_between(due, today)
    return DueCard(left, card_for(left, today > due, margin), tuple(sorted(est.unknown_years)))


def statutory_clock(state: CaseState, definition: WorkflowDefinition, today: dt.date, calendar: WorkCalendar,
                    margin: int = DEFAULT_MARGIN) -> Clock | None:
    """Art. 42: from acceptance to the decision; extensions add to the budget."""
    if state.accepted_on is None:
        return None
    budget = definition.statutory_limit_days + state.extension_days
    return run_clock("statutory", state.accepted_on, budget, stop_intervals(state, definition),
                     state.decided_on or state.ended_on, today, calendar, margin)


def promised_clock(state: CaseState, definition: WorkflowDefinition, today: dt.date, calendar: WorkCalendar,
                   margin: int = DEFAULT_MARGIN) -> Clock | None:
    """The hall's promise (承诺时限): from acceptance to 办结."""
    if state.accepted_on is None:
        return None
    return run_clock("promised", state.accepted_on, definition.promised_limit_days,
                     stop_intervals(state, definition), state.closed_on or state.ended_on, today, calendar, margin)


def issue_clock(state: CaseState, definition: WorkflowDefinition, today: dt.date, calendar: WorkCalendar,
                margin: int = DEFAULT_MARGIN) -> Clock | None:
    """Art. 44: within 10 working days of the decision to grant, the licence is issued *and served* (颁发、送达):
    the clock runs until the decision is served (its notice, or the licence handed over or posted), not until
    发证, so a late 送达 is red."""
    if state.decision != "granted" or not definition.issues_licence or state.decided_on is None:
        return None
    return run_clock("issue", state.decided_on, ISSUE_DAYS, (), state.decision_served_on or state.ended_on,
                     today, calendar, margin)


def step_clock(visit: StepVisit, state: CaseState, definition: WorkflowDefinition, today: dt.date,
               calendar: WorkCalendar, margin: int = DEFAULT_MARGIN) -> Clock:
    step = definition.step(visit.step)
    # A step's own clock stops while the case waits for a procedure or the applicant, whatever the
    # statutory clock does; a step's `stops` effect concerns the statutory clock only.
    intervals = [(s.started_on, s.ended_on) for s in state.stops]
    return run_clock(f"step:{step.name}", visit.entered_on, step.limit_days, intervals, visit.left_on,
                     today, calendar, margin)


def current_step_clocks(state: CaseState, definition: WorkflowDefinition, today: dt.date,
                        calendar: WorkCalendar, margin: int = DEFAULT_MARGIN) -> dict[str, Clock]:
    return {v.step: step_clock(v, state, definition, today, calendar, margin)
            for v in state.visits if v.left_on is None}


def worst(cards: Iterable[Card]) -> Card:
    order = [Card.GREEN, Card.YELLOW, Card.RED]
    return max(cards, key=order.index, default=Card.GREEN)
