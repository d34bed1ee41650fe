"""The 差评 loop's pure rules: stages in order, by the rated department's handler; one appeal, reviewed by a
supervisor; a base that no longer matches refused; deadlines counted over holidays, provisional in a year
the calendar does not cover; cards by the case rule; statistics net of voided ratings."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.calendar import WorkCalendar
from shared.china_time import CHINA_TZ
from shared.rating.deadlines import record_card
from shared.rating.errors import RectificationRefused, StaleRecord
from shared.rating.rectification import Actor, apply, base_of, may, open_record
from shared.rating.statistics import rating_statistics

CAL = WorkCalendar()
HANDLER = Actor("li", frozenset({"approver"}), 7)
STRANGER = Actor("wang", frozenset({"clerk"}), 8)
SUPERVISOR = Actor("chen", frozenset({"supervisor"}), 1)


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=CHINA_TZ)


def opened(day: str = "2026-04-28", workdays: int = 5) -> dict:
    return open_record(record_id="r1", hall_id=1, rating_id="r1", source="ticket", subject_id="t1", subject="A001",
                       department_id=7, window_id=2, clerk="wang", level="very_dissatisfied", reason="态度差",
                       rated_at=at(day), workdays=workdays, calendar=CAL)


def step(record: dict, action: str, actor: Actor = HANDLER, day: str = "2026-04-29", **args) -> dict:
    return apply(record, action, args, actor, at(day), base_of(record))


def test_deadlines_walk_over_the_may_day_holiday() -> None:
    r = opened()  # DOMAIN.md's example: 2026-04-28 + 5 working days → 2026-05-08
    assert (r["verify_due"], r["rectify_due"], r["provisional"]) == ("2026-04-29", "2026-05-08", [])


def test_an_unpublished_year_is_counted_by_weekdays_and_marked_provisional() -> None:
    r = opened("2027-03-05")  # a Friday
    assert (r["verify_due"], r["rectify_due"], r["provisional"]) == ("2027-03-08", "2027-03-12", [2027])
    assert record_card(r, dt.date(2027, 3, 9), CAL).provisional


def test_the_loop_in_order_and_the_cards_on_the_way() -> None:
    r = opened()
    assert record_card(r, dt.date(2026, 4, 28), CAL).card.value == "yellow_card"
    assert record_card(r, dt.date(2026, 4, 30), CAL).card.value == "red_card"
    with pytest.raises(RectificationRefused) as refused:
        step(r, "rectify", kind="rectified", text="x")
    assert refused.value.code == "action_not_allowed"
    with pytest.raises(RectificationRefused) as refused:
        step(r, "verify", STRANGER, contact="电话", findings="属实")
    assert refused.value.code == "not_your_department"
    r = step(r, "verify", contact="电话", findings="属实")
    card = record_card(r, dt.date(2026, 4, 30), CAL)
    assert (card.stage, card.due, card.card.value) == ("rectification", dt.date(2026, 5, 8), "green")
    assert record_card(r, dt.date(2026, 5, 7), CAL).card.value == "yellow_card"
    with pytest.raises(RectificationRefused) as refused:
        step(r, "rectify", kind="ignored", text="x")
    assert refused.value.code == "bad_rectification_kind"
    r = step(r, "rectify", kind="explained", text="系统故障导致，已说明")
    r = step(r, "feedback", day="2026-05-11", text="已电话反馈")
    assert r["status"] == "closed" and r["version"] == 4
    assert record_card(r, dt.date(2026, 6, 1), CAL).card.value == "green"
    assert not any(may(r, a, HANDLER) for a in ("verify", "rectify", "feedback", "appeal"))


def test_a_stale_base_is_refused_with_who_moved_the_record() -> None:
    r = opened()
    seen = base_of(r)
    moved = step(r, "verify", contact="电话", findings="属实")
    with pytest.raises(StaleRecord) as refused:
        apply(moved, "rectify", {"kind": "rectified", "text": "x"}, HANDLER, at("2026-04-30"), seen)
    assert refused.value.details == {"current_status": "verified", "version": 2, "by": "li",
                                     "at": at("2026-04-29").isoformat()}


def test_one_appeal_reviewed_by_a_supervisor() -> None:
    r = step(step(opened(), "verify", contact="电话", findings="评价人误触"), "appeal", reason="误评，有录像")
    assert r["status"] == "appealed" and record_card(r, dt.date(2026, 4, 30), CAL).stage == "rectification"
    with pytest.raises(RectificationRefused) as refused:
        step(r, "review", HANDLER, decision="voided", reason="x")
    assert refused.value.code == "reviewer_role_required"
    upheld = step(r, "review", SUPERVISOR, decision="upheld", reason="评价属实")
    assert upheld["status"] == "verified" and not may(upheld, "appeal", HANDLER)
    voided = step(r, "review", SUPERVISOR, decision="voided", reason="误评")
    assert voided["status"] == "voided" and voided["review"]["reason"] == "误评"


def test_statistics_leave_voided_ratings_out() -> None:
    done = step(step(opened(), "verify", contact="电话", findings="属实"), "rectify", day="2026-05-11",
                kind="rectified", text="培训")
    voided = step(step(dict(opened(), id="r2", rating_id="r2"), "appeal", reason="误评"), "review", SUPERVISOR,
                  decision="voided", reason="误评")
    waiting = dict(opened(), id="r3", rating_id="r3")
    ratings = [("r1", "very_dissatisfied"), ("r2", "dissatisfied"), ("r3", "dissatisfied"), ("g", "satisfied"),
               ("n", None)]
    s = rating_statistics(ratings, [done, voided, waiting], dt.date(2026, 4, 30), CAL)
    assert (s["rated"], s["not_rated"], s["bad"], s["voided"]) == (3, 1, 2, 1)
    assert (s["verified"], s["verified_on_time"], s["rectified"], s["rectified_on_time"]) == (1, 1, 1, 0)
    assert (s["verification_rate"], s["rectification_rate"], s["red"]) == (0.5, 0.5, 1)
