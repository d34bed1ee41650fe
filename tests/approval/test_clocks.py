from __future__ import annotations

import datetime as dt
from dataclasses import replace

from shared.approval import commands as cmd
from shared.approval.clocks import Card, current_step_clocks, issue_clock, promised_clock, run_clock, statutory_clock
from shared.approval.defaults import public_service_definition, with_parallel_review
from shared.approval.definition import ClockEffect
from shared.calendar import WorkCalendar

from tests.approval import recount
from tests.approval.factory import CALENDAR, D, Driver, licence

APRIL_28 = D(2026, 4, 28)


def short(**kw) -> Driver:
    """A public service with a 5-working-day limit: small numbers, easy to check by hand."""
    return Driver(public_service_definition("P01", "filing", statutory_limit_days=5, promised_limit_days=5), **kw)


def clock(drv: Driver, today: dt.date, calendar: WorkCalendar = CALENDAR, margin: int = 2):
    return statutory_clock(drv.state, drv.definition, today, calendar, margin)


def test_accepted_april_28_plus_5_working_days_is_may_8() -> None:
    drv = short().accepted(APRIL_28)
    c = clock(drv, APRIL_28)
    assert (c.start, c.budget, c.due, c.used, c.provisional) == (APRIL_28, 5, D(2026, 5, 8), 0, False)
    # May Day 05-01..05-05 is skipped; 05-09 is a working Saturday but not reached.
    assert [clock(drv, d).used for d in (D(2026, 4, 30), D(2026, 5, 5), D(2026, 5, 6), D(2026, 5, 9))] == [2, 2, 3, 6]


def test_national_day_2026_and_the_working_saturday_october_10() -> None:
    drv = short().accepted(D(2026, 9, 29))
    assert clock(drv, D(2026, 9, 29)).due == D(2026, 10, 12)
    used = {d: clock(drv, d).used for d in (D(2026, 9, 30), D(2026, 10, 7), D(2026, 10, 8), D(2026, 10, 10),
                                            D(2026, 10, 11))}
    assert used == {D(2026, 9, 30): 1, D(2026, 10, 7): 1, D(2026, 10, 8): 2, D(2026, 10, 10): 4, D(2026, 10, 11): 4}


def test_a_special_procedure_across_may_day_stops_the_clock() -> None:
    drv = short().accepted(APRIL_28)
    drv.do(cmd.StartSpecialProcedure, "approver", D(2026, 4, 29), step="decide", category="testing",
           expected_days=5, reason="送检")
    running = clock(drv, D(2026, 5, 6))
    assert (running.stopped, running.due, running.used) == (True, None, 1)  # 04-29 counted, then stopped
    drv.do(cmd.EndSpecialProcedure, "approver", D(2026, 5, 7), result="检测合格")
    c = clock(drv, D(2026, 5, 7))
    # 04-29 (1), stop 04-30..05-07, then 05-08 (2), 05-09 Saturday (3), 05-11 (4), 05-12 (5).
    assert (c.stopped, c.used, c.due) == (False, 1, D(2026, 5, 12))
    assert c.due == recount.due(APRIL_28, 5, [(D(2026, 4, 29), D(2026, 5, 7))])


def test_statutory_clock_of_a_licence_matches_an_independent_recount_with_extension() -> None:
    drv = Driver().accepted(APRIL_28)
    assert clock(drv, APRIL_28).due == recount.due(APRIL_28, 20)
    drv.do(cmd.Extend, "head", D(2026, 5, 20), days=10, reason="需现场核查")
    c = clock(drv, D(2026, 5, 20))
    assert (c.budget, c.due) == (30, recount.due(APRIL_28, 30))
    assert c.remaining == 30 - recount.count(APRIL_28, D(2026, 5, 20))


def test_deemed_acceptance_backdates_the_statutory_clock() -> None:
    drv = Driver()
    drv.receive(APRIL_28)
    drv.do(cmd.DeemAccepted, "system", D(2026, 5, 11))
    c = clock(drv, D(2026, 5, 11))
    assert (c.start, c.used) == (APRIL_28, 7)  # 04-29, 04-30, 05-06, 05-07, 05-08, 05-09, 05-11


def test_deadline_in_an_unpublished_year_is_provisional_and_exact_once_published() -> None:
    drv = Driver().accepted(D(2026, 12, 15))
    c = clock(drv, D(2026, 12, 15))
    assert c.provisional and c.unknown_years == (2027,)
    assert c.due == D(2027, 1, 12)  # weekday estimate, flagged as such
    in_2027 = clock(drv, D(2027, 1, 6))
    assert in_2027.provisional and in_2027.used == 12 + 4  # 12 known in 2026; 01-01, 01-04..01-06 guessed
    published = WorkCalendar(published_years={2027})
    exact = clock(drv, D(2026, 12, 15), published)
    assert (exact.provisional, exact.due) == (False, D(2027, 1, 12))
    new_year = WorkCalendar({D(2027, 1, 1): False}, published_years={2027})
    assert clock(drv, D(2026, 12, 15), new_year).due == D(2027, 1, 13)


def test_a_clock_inside_published_data_is_never_provisional() -> None:
    drv = Driver().accepted(D(2026, 6, 1))
    assert not clock(drv, D(2026, 6, 1)).provisional


def test_case_cards_yellow_within_the_margin_red_when_over() -> None:
    drv = short().accepted(APRIL_28)
    cards = {d: clock(drv, d).card for d in (D(2026, 4, 29), D(2026, 5, 6), D(2026, 5, 8), D(2026, 5, 9),
                                             D(2026, 5, 10))}
    assert cards == {D(2026, 4, 29): Card.GREEN, D(2026, 5, 6): Card.YELLOW, D(2026, 5, 8): Card.YELLOW,
                     D(2026, 5, 9): Card.RED, D(2026, 5, 10): Card.RED}
    assert clock(drv, D(2026, 5, 6), margin=1).card is Card.GREEN


def test_step_cards_are_separate_from_the_case_card() -> None:
    drv = short().accepted(APRIL_28)  # the 审核 step has 4 working days: due 05-07
    step = current_step_clocks(drv.state, drv.definition, D(2026, 5, 8), CALENDAR)["decide"]
    assert (step.due, step.card) == (D(2026, 5, 7), Card.RED)
    assert clock(drv, D(2026, 5, 8)).card is Card.YELLOW
    assert current_step_clocks(drv.state, drv.definition, D(2026, 5, 6), CALENDAR)["decide"].card is Card.YELLOW


def test_finished_clocks_stop_counting_and_keep_their_verdict() -> None:
    drv = short().accepted(APRIL_28)
    drv.do(cmd.Grant, "approver", D(2026, 5, 11), step="decide", opinion="同意")
    late = clock(drv, D(2026, 6, 30))
    assert (late.finished_on, late.used, late.card) == (D(2026, 5, 11), 7, Card.RED)
    promised = promised_clock(drv.state, drv.definition, D(2026, 5, 11), CALENDAR)
    assert promised.finished_on is None  # the promise runs until 办结


def test_art44_licence_issue_clock_runs_10_working_days_from_the_grant() -> None:
    # Art. 44 says 颁发、送达: since 送达 is recorded, the clock runs to the decision's service (the licence
    # handed over at 出件 here), no longer to 发证 (tests/approval/test_serve_notice.py: served notices).
    drv = Driver().granted(D(2026, 6, 1))
    c = issue_clock(drv.state, drv.definition, D(2026, 6, 1), CALENDAR)
    assert (c.budget, c.due) == (10, D(2026, 6, 15))
    drv.do(cmd.MakeLicence, "licence_officer", D(2026, 6, 12), licence_no="TS1")
    drv.do(cmd.IssueLicence, "licence_officer", D(2026, 6, 15))
    running = issue_clock(drv.state, drv.definition, D(2026, 6, 15), CALENDAR)
    assert (running.finished_on, running.card) == (None, Card.YELLOW)
    drv.do(cmd.Close, "clerk", D(2026, 6, 15))
    drv.do(cmd.Deliver, "clerk", D(2026, 6, 16), method="post", tracking_no="EMS1234567890CN")
    done = issue_clock(drv.state, drv.definition, D(2026, 7, 1), CALENDAR)
    assert (done.finished_on, done.card) == (D(2026, 6, 16), Card.RED)


def test_a_step_whose_clock_effect_stops_pauses_the_statutory_clock() -> None:
    d = with_parallel_review(licence(), [("site", "现场核查", "inspector"), ("lab", "检验", "lab")], "all",
                             clock_effect=ClockEffect.STOPS)
    drv = Driver(d).accepted(D(2026, 6, 1))
    drv.pass_("review", D(2026, 6, 2))
    drv.pass_("verify", D(2026, 6, 3))        # enters the stopping group on 06-03
    assert clock(drv, D(2026, 6, 10)).stopped
    drv.pass_("site", D(2026, 6, 8))
    drv.pass_("lab", D(2026, 6, 10))          # leaves it on 06-10
    c = clock(drv, D(2026, 6, 10))
    assert c.used == 2 and not c.stopped  # 06-02, 06-03 ran; 06-04..06-10 stopped
    assert c.due == recount.due(D(2026, 6, 1), 20, [(D(2026, 6, 3), D(2026, 6, 10))])


def test_corrections_after_acceptance_stop_the_statutory_clock_only_where_the_definition_says_so() -> None:
    def run(stops: bool) -> Driver:
        drv = Driver(replace(licence(), correction_stops_clock=stops)).accepted(D(2026, 6, 1))
        drv.do(cmd.RequestCorrection, "reviewer", D(2026, 6, 2), items=(cmd.CorrectionItem("申请书", "缺页"),))
        drv.do(cmd.ReceiveCorrection, "clerk", D(2026, 6, 9), materials=("申请书",))
        return drv
    strict, lenient = run(False), run(True)
    assert clock(strict, D(2026, 6, 9)).used == 6          # 06-02..06-05, 06-08, 06-09
    assert clock(lenient, D(2026, 6, 9)).used == 1         # 06-02 only; 06-03..06-09 waiting
    # Either way the reviewer's own step clock does not run while the applicant has the file.
    step = current_step_clocks(strict.state, strict.definition, D(2026, 6, 9), CALENDAR)["review"]
    assert step.used == 1


def test_the_intake_step_clock_waits_while_the_applicant_corrects() -> None:
    drv = Driver()
    drv.receive(D(2026, 6, 1))
    drv.do(cmd.RequestCorrection, "clerk", D(2026, 6, 2), items=(cmd.CorrectionItem("申请书", "缺页"),))
    on = D(2026, 6, 12)
    assert current_step_clocks(drv.state, drv.definition, on, CALENDAR)["intake"].stopped
    drv.do(cmd.ReceiveCorrection, "clerk", on, materials=("申请书",))
    intake = current_step_clocks(drv.state, drv.definition, on, CALENDAR)["intake"]
    assert (intake.used, intake.card) == (1, Card.GREEN)


def test_run_clock_budget_zero_is_due_on_the_start_day() -> None:
    c = run_clock("x", D(2026, 6, 1), 0, (), None, D(2026, 6, 1), CALENDAR)
    assert (c.due, c.remaining, c.card) == (D(2026, 6, 1), 0, Card.YELLOW)
