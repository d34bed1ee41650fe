"""A case view: the case's state with its clocks worked out for one day. Worklists (near due, overdue, by
department and step) and statistics are pure filters over views."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from shared.approval.art32 import Art32Status, art32_status
from shared.approval.clocks import (
    DEFAULT_MARGIN, Card, Clock, current_step_clocks, issue_clock, promised_clock, statutory_clock, worst,
)
from shared.approval.counting import EstimatingCalendar
from shared.approval.definition import WorkflowDefinition
from shared.approval.lifecycle import CLOSED_OR_TERMINAL
from shared.approval.overdue import case_card, running
from shared.approval.state import CaseState
from shared.calendar import WorkCalendar


@dataclass(frozen=True)
class CaseView:
    state: CaseState
    today: dt.date
    statutory: Clock | None
    promised: Clock | None
    issue: Clock | None
    steps: Mapping[str, Clock]
    art32: Art32Status | None

    @property
    def case_clocks(self) -> tuple[Clock, ...]:
        return tuple(c for c in (self.statutory, self.promised, self.issue) if c is not None)

    @property
    def card(self) -> Card:
        """The case's card: the worst of its statutory, promised and issue clocks."""
        return worst(c.card for c in self.case_clocks)

    def step_card(self, step: str) -> Card:
        return self.steps[step].card if step in self.steps else Card.GREEN

    @property
    def is_open(self) -> bool:
        """Still being handled: not 办结 and not ended otherwise."""
        return self.state.status not in CLOSED_OR_TERMINAL

    @property
    def provisional(self) -> bool:
        return any(c.provisional for c in (*self.case_clocks, *self.steps.values()))


def view_case(state: CaseState, definition: WorkflowDefinition, today: dt.date, calendar: WorkCalendar,
              margin: int = DEFAULT_MARGIN) -> CaseView:
    args = (state, definition, today, calendar, margin)
    return CaseView(state, today, statutory_clock(*args), promised_clock(*args), issue_clock(*args),
                    current_step_clocks(*args), art32_status(state, today, calendar))


@dataclass(frozen=True)
class DueEntry:
    department: str
    step: str
    case_id: str
    clock: str          # which clock: statutory / promised / issue / step:<name> / art32 (the 5-day window)
    card: Card
    due: dt.date | None
    remaining: int
    urgent: bool


def due_entries(views: Iterable[CaseView], card: Card) -> list[DueEntry]:
    """The cases whose card is `card` by shared.approval.overdue (the rule of every case list and count), each
    with its running clocks of that card: a case clock counted against each step holding the case, a step clock
    against its own step. Near due also lists the cases in Art. 32's last days to ask for corrections (a notice
    window, not a due day). Sorted by department, step, due day."""
    entries = []
    for v in views:
        if not v.is_open:
            continue
        s = v.state
        def entry(step: str, clock: Clock) -> DueEntry:
            return DueEntry(s.department, step, s.case_id, clock.name, card, clock.due, clock.remaining, s.urgent)
        if case_card(v) is card:
            counted = {id(c) for c in running(v) if c.card is card}
            entries += [entry(step, clock) for clock in v.case_clocks if id(clock) in counted
                        for step in s.current_steps]
            entries += [entry(step, clock) for step, clock in v.steps.items() if id(clock) in counted]
        if card is Card.YELLOW and v.art32 is not None and v.art32.warning:
            # Art. 32: tell the applicant what to correct now, or the case counts as accepted as it is
            entries += [DueEntry(s.department, step, s.case_id, "art32", card, v.art32.deadline,
                                 v.art32.workdays_left, s.urgent) for step in s.current_steps]
    return sorted(entries, key=lambda e: (e.department, e.step, e.due or dt.date.max, e.case_id, e.clock))


def near_due(views: Iterable[CaseView]) -> list[DueEntry]:
    return due_entries(views, Card.YELLOW)


def overdue(views: Iterable[CaseView]) -> list[DueEntry]:
    return due_entries(views, Card.RED)


def by_department_and_step(entries: Iterable[DueEntry]) -> dict[tuple[str, str], list[str]]:
    """(department, step) -> case ids, each once, in the entries' order."""
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for e in entries:
        ids = groups[(e.department, e.step)]
        if e.case_id not in ids:
            ids.append(e.case_id)
    return dict(groups)


@dataclass(frozen=True)
class AwaitingReply:
    case_id: str
    supervision_id: str
    steps: tuple[str, ...]
    reply_due: dt.date
    late: bool
    provisional: bool


def awaiting_reply(views: Iterable[CaseView], calendar: WorkCalendar) -> list[AwaitingReply]:
    """Every supervision still waiting for the handler's written reply, with the reply's due day."""
    out = []
    for v in views:
        for s in v.state.open_supervisions:
            est = EstimatingCalendar(calendar)
            due = est.add_workdays(s.opened_on, s.reply_within_days)
            out.append(AwaitingReply(v.state.case_id, s.supervision_id, s.steps, due, v.today > due,
                                     bool(est.unknown_years)))
    return out
