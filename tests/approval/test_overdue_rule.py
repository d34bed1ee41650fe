"""One rule for 即将超期 and 超期 (shared.approval.overdue): the server's lists (/worklists/near-due and
/worklists/overdue, from case views), the case statistics' 逾期未办结 and the workstation's lists, counts and
dashboard (from the published case row's `clocks.due`, judged by due_card on later days without the case
changing) name the same cases, day by day, over simulated cases: statutory, promised, step and issue clocks,
a special procedure that stops them, decisions, licences and closing."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from shared.approval import commands as cmd
from shared.approval.clocks import Card
from shared.approval.errors import DomainError
from shared.approval.overdue import case_card, row_card, row_due
from shared.approval.rows import case_row
from shared.approval.statistics import figures
from shared.approval.views import near_due, overdue, view_case
from tests.approval.factory import CALENDAR, D, Driver

FIRST, LAST = D(2026, 3, 2), D(2026, 6, 30)


def days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def simulate(case_id: str, rng: random.Random) -> list[tuple[dt.date, object, dict]]:
    """A case's history: after each day with events, (day, state, the row published that day)."""
    drv = Driver(case_id=case_id)
    day = FIRST + dt.timedelta(days=rng.randrange(60))
    drv.accepted(day)
    history = []

    def publish() -> None:
        history.append((day, drv.state, case_row(drv.state, drv.definition, CALENDAR, day, {})["clocks"]))
    publish()
    decision = drv.definition.decision_step.name
    after = [(cmd.MakeLicence, "licence_officer", {"licence_no": f"L-{case_id}"}),
             (cmd.IssueLicence, "licence_officer", {}), (cmd.Close, "clerk", {})]
    while day < LAST and drv.state.status.value not in ("closed", "withdrawn", "terminated"):
        day += dt.timedelta(days=rng.choice((1, 1, 2, 3, 5, 8, 13)))
        step = drv.state.current_steps[0] if drv.state.current_steps else None
        roll = rng.random()
        try:
            if any(s.ended_on is None for s in drv.state.stops):
                drv.do(cmd.EndSpecialProcedure, drv.definition.step(step).role, day, result="合格")
            elif step is not None and drv.state.decision is None and roll < 0.12:
                drv.do(cmd.StartSpecialProcedure, drv.definition.step(step).role, day, step=step,
                       category="testing", expected_days=5, reason="送检")
            elif step == decision:
                drv.do(cmd.Grant, drv.definition.decision_step.role, day, step=decision, opinion="准予许可")
            elif drv.state.decision == "granted" and after:  # the licence made, issued, then 办结
                kind, role, kw = after.pop(0)
                drv.do(kind, role, day, **kw)
            elif step is not None:
                drv.pass_(step, day)
            else:
                break
        except DomainError:
            break  # a path this simple walk does not know: the case stays as it is
        publish()
    return history


@pytest.fixture(scope="module")
def world() -> list[list[tuple[dt.date, object, dict]]]:
    rng = random.Random(16)
    return [simulate(f"K{n}", rng) for n in range(60)]


def test_the_lists_the_rows_and_the_statistics_name_the_same_cases_every_day(world) -> None:  # noqa: ANN001
    definition = Driver().definition
    seen = {Card.RED: 0, Card.YELLOW: 0}
    for today in days(FIRST, LAST):
        views, rows = [], {}
        for history in world:
            known = [(d, s, clocks) for d, s, clocks in history if d <= today]
            if known:
                _, state, clocks = known[-1]
                views.append(view_case(state, definition, today, CALENDAR))
                rows[state.case_id] = (views[-1].is_open, clocks)
        by_row = {card: {pk for pk, (is_open, clocks) in rows.items() if is_open and row_due(clocks)
                         and row_card(clocks, today, CALENDAR).card is card} for card in (Card.RED, Card.YELLOW)}
        assert {e.case_id for e in overdue(views)} == by_row[Card.RED], today
        assert {e.case_id for e in near_due(views) if e.clock != "art32"} == by_row[Card.YELLOW], today
        assert {v.state.case_id for v in views if figures(v).flags["overdue"]} == by_row[Card.RED], today
        assert {v.state.case_id for v in views if case_card(v) is Card.RED} == by_row[Card.RED], today
        for card in seen:
            seen[card] += len(by_row[card])
    assert seen[Card.RED] > 100 and seen[Card.YELLOW] > 100, seen  # the world has both, often
    statuses = {state.status.value for history in world for _, state, _ in history}
    assert {"in_review", "special_procedure", "decided_granted", "licence_issued", "closed"} <= statuses


def test_a_late_step_makes_the_case_overdue_everywhere() -> None:
    """The case whose own deadlines are far off but whose current step is past its limit: overdue on the
    server's list, in the statistics and on the workstation's row alike (they once disagreed)."""
    drv = Driver(case_id="K-step").accepted(D(2026, 4, 1))
    step = drv.state.current_steps[0]
    limit = drv.definition.step(step).limit_days
    today = D(2026, 4, 1) + dt.timedelta(days=limit * 2 + 4)
    view = view_case(drv.state, drv.definition, today, CALENDAR)
    assert view.statutory.card is not Card.RED and view.steps[step].card is Card.RED
    clocks = case_row(drv.state, drv.definition, CALENDAR, D(2026, 4, 1), {})["clocks"]
    assert clocks["due"] == view.steps[step].due.isoformat() < clocks["statutory_due"]
    assert row_card(clocks, today, CALENDAR).card is Card.RED
    assert [e.case_id for e in overdue([view])] and figures(view).flags["overdue"] == 1
