import datetime as dt

import pytest

from shared.calendar import WorkCalendar
from shared.queue.clock import CHINA_TZ
from shared.queue.errors import RatingRefused
from shared.queue import lifecycle as lc
from shared.queue.ratings import RatingLevel, Visit, not_rated, open_rectification, rate, visit_of
from shared.queue.rules import RatingRules
from tests.queue.builders import at, ticket, window

RULES = RatingRules(timeout_seconds=60, rectification_workdays=5)
END = dt.datetime(2026, 9, 30, 16, 0, tzinfo=CHINA_TZ)    # the Wednesday before National Day
VISIT = Visit("t1", "A023", 1, window_id=3, clerk_id="c7", finished_at=END)
SEC = dt.timedelta(seconds=1)


def _refused(fn) -> str:
    with pytest.raises(RatingRefused) as info:
        fn()
    return info.value.code


def test_five_levels_with_stable_codes_and_two_bad_ones() -> None:
    assert [level.value for level in RatingLevel] == [
        "very_satisfied", "satisfied", "basically_satisfied", "dissatisfied", "very_dissatisfied"]
    assert [level for level in RatingLevel if level.is_bad] == [RatingLevel.DISSATISFIED,
                                                               RatingLevel.VERY_DISSATISFIED]


def test_rating_is_bound_to_the_visit() -> None:
    rating = rate(VISIT, RatingLevel.SATISFIED, END + 10 * SEC, RULES)
    assert rating.visit.window_id == 3 and rating.visit.clerk_id == "c7" and rating.code == "satisfied"


def test_bad_rating_needs_a_reason() -> None:
    assert _refused(lambda: rate(VISIT, RatingLevel.DISSATISFIED, END + SEC, RULES, reason="  ")) \
        == "bad_rating_needs_reason"
    rating = rate(VISIT, RatingLevel.VERY_DISSATISFIED, END + SEC, RULES, reason="等候太久")
    assert rating.is_bad and rating.reason == "等候太久"


def test_timeout_records_not_rated() -> None:
    assert _refused(lambda: not_rated(VISIT, END + 60 * SEC, RULES)) == "rating_still_open"
    assert rate(VISIT, RatingLevel.SATISFIED, END + 60 * SEC, RULES)           # last second still counts
    assert _refused(lambda: rate(VISIT, RatingLevel.SATISFIED, END + 61 * SEC, RULES)) == "rating_timed_out"
    silent = not_rated(VISIT, END + 61 * SEC, RULES)
    assert silent.level is None and silent.code == "not_rated" and not silent.is_bad
    assert _refused(lambda: rate(VISIT, RatingLevel.SATISFIED, END - SEC, RULES)) == "rating_before_service_end"


def test_rectification_deadline_skips_national_day_and_counts_the_make_up_saturday() -> None:
    rating = rate(VISIT, RatingLevel.DISSATISFIED, END + SEC, RULES, reason="态度差")
    rectification = open_rectification(rating, WorkCalendar(), RULES)
    # 10-01…10-07 holiday; working days 10-08, 10-09, 10-10 (make-up Saturday), 10-12, 10-13
    assert rectification.opened_on == dt.date(2026, 9, 30)
    assert rectification.due_on == dt.date(2026, 10, 13)
    assert (rectification.window_id, rectification.clerk_id) == (3, "c7")


def test_only_bad_ratings_open_rectifications() -> None:
    good = rate(VISIT, RatingLevel.BASICALLY_SATISFIED, END + SEC, RULES)
    assert _refused(lambda: open_rectification(good, WorkCalendar(), RULES)) == "rectification_needs_bad_rating"


def test_visit_is_taken_from_the_finished_ticket() -> None:
    w = window(4, (1, 1))
    served = lc.start_service(lc.call(ticket("A023"), w, at(5), clerk_id="c9"), at(6))
    assert _refused(lambda: visit_of(served)) == "visit_not_rateable"
    visit = visit_of(lc.finish(served, at(16)))
    assert (visit.ticket_number, visit.window_id, visit.clerk_id, visit.finished_at) == ("A023", 4, "c9", at(16))
