"""一事一评's rule (shared.rating.case_rating) and the grouped 差评 statistics (shared.rating.statistics): what each
refusal's code is, that the groups add up to the whole, and that a group's figures are the whole function's
over that group's ratings."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.calendar import WorkCalendar
from shared.rating.case_rating import CaseRatingRefused, check_case_rating, rateable
from shared.rating.statistics import Rated, group_of, rating_statistics, rating_statistics_by

TODAY = dt.date(2026, 11, 4)


@pytest.mark.parametrize(("status", "rated", "level", "reason", "code"), [
    ("in_review", False, "satisfied", "", "case_not_closed"),
    ("decided_granted", False, "satisfied", "", "case_not_closed"),
    ("closed", True, "satisfied", "", "case_rating_exists"),
    ("delivered", False, "dissatisfied", "   ", "bad_rating_needs_reason"),
    ("closed", False, "great", "", "bad_rating_level"),
    ("closed", False, "very_dissatisfied", "x" * 501, "text_too_long"),
])
def test_each_refusal_has_its_code(status: str, rated: bool, level: str, reason: str, code: str) -> None:
    with pytest.raises(CaseRatingRefused) as refused:
        check_case_rating(status, rated, level, reason)
    assert refused.value.code == code


def test_a_finished_case_is_rated_once() -> None:
    assert check_case_rating("closed", False, "very_dissatisfied", "  等太久 ") == "等太久"
    assert check_case_rating("delivered", False, "satisfied", "") == ""
    assert (rateable("closed", False), rateable("delivered", False), rateable("closed", True),
            rateable("received", False)) == (True, True, False, False)


def test_groups_add_up_to_the_whole() -> None:
    ratings = [Rated("t1", "satisfied", "ticket", "3", 1), Rated("t2", "dissatisfied", "ticket", "3", 1),
               Rated("c1", "very_dissatisfied", "case", "00785", 2), Rated("c2", None, "case", "00785", None)]
    assert [group_of("department", r) for r in ratings] == ["1", "1", "2", "none"]
    assert [group_of("business", r) for r in ratings] == ["ticket:3", "ticket:3", "case:00785", "case:00785"]
    with pytest.raises(ValueError):
        group_of("window", ratings[0])
    calendar = WorkCalendar()
    whole = rating_statistics([(r.rating_id, r.level) for r in ratings], [], TODAY, calendar)
    for by in ("department", "business", "source"):
        groups = rating_statistics_by(by, ratings, [], TODAY, calendar)
        for key in ("rated", "not_rated", "bad"):
            assert sum(g[key] for g in groups.values()) == whole[key], (by, key)
    source = rating_statistics_by("source", ratings, [], TODAY, calendar)
    assert (source["case"]["rated"], source["case"]["not_rated"], source["case"]["bad"]) == (1, 1, 1)
    assert source["ticket"] == rating_statistics([("t1", "satisfied"), ("t2", "dissatisfied")], [], TODAY, calendar)
