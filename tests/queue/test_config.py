import datetime as dt

import pytest

from shared.queue.config import Business, Quota, Window, WindowService
from shared.queue.errors import InvalidConfiguration
from shared.queue.rules import (AppointmentRules, CallingRules, CheckInWindow, EstimateRules, FairnessRatio,
                                RatingRules)


def _code(fn) -> str:
    with pytest.raises(InvalidConfiguration) as info:
        fn()
    return info.value.code


def test_business_prefix_must_be_upper_case_letters() -> None:
    assert Business(1, "A", "不动产登记").prefix == "A"
    assert _code(lambda: Business(1, "a", "x")) == "invalid_business"
    assert _code(lambda: Business(1, "A1", "x")) == "invalid_business"
    assert _code(lambda: Business(1, "ABC", "x")) == "invalid_business"
    assert _code(lambda: Business(1, "B", "  ")) == "invalid_business"


def test_window_serves_its_businesses_at_their_levels() -> None:
    w = Window(7, 7, (WindowService(1, 1), WindowService(2, 2)))
    assert w.serves(2) and not w.serves(3)
    assert w.level_of(2) == 2 and w.level_of(3) is None
    assert w.business_ids == {1, 2}


@pytest.mark.parametrize("make", [
    lambda: Window(1, 0, (WindowService(1),)),
    lambda: Window(1, 1, ()),
    lambda: Window(1, 1, (WindowService(1), WindowService(1, 2))),
    lambda: WindowService(1, 0),
])
def test_window_rules(make) -> None:
    assert _code(make) == "invalid_window"


@pytest.mark.parametrize("kwargs, field", [
    ({"daily_limit": -1}, "daily_limit"),
    ({"am_limit": -5}, "am_limit"),
    ({"opens_at": dt.time(18), "closes_at": dt.time(9)}, "closes_at"),
    ({"lunch_start": dt.time(12)}, "lunch_end"),
    ({"lunch_start": dt.time(13), "lunch_end": dt.time(12)}, "lunch_start"),
    ({"lunch_start": dt.time(8), "lunch_end": dt.time(9, 30)}, "lunch_start"),
    ({"lunch_closed": True}, "lunch_closed"),
])
def test_quota_rules(kwargs, field) -> None:
    with pytest.raises(InvalidConfiguration) as info:
        Quota(1, **kwargs)
    assert info.value.code == "invalid_quota" and info.value.field == field


def test_quota_hours_lunch_and_half_days() -> None:
    q = Quota(1, daily_limit=100, lunch_start=dt.time(12), lunch_end=dt.time(14), lunch_closed=True)
    assert not q.unlimited and Quota(1).unlimited
    assert q.is_open(dt.time(9)) and not q.is_open(dt.time(8, 59)) and not q.is_open(dt.time(17, 30))
    assert q.in_lunch(dt.time(12)) and q.in_lunch(dt.time(13, 59)) and not q.in_lunch(dt.time(14))
    assert q.is_am(dt.time(11, 59)) and not q.is_am(dt.time(12))


@pytest.mark.parametrize("make, code", [
    (lambda: AppointmentRules(capacity_per_slot=0), "invalid_appointment_rules"),
    (lambda: AppointmentRules(horizon_days=0), "invalid_appointment_rules"),
    (lambda: AppointmentRules(min_lead_minutes=-1), "invalid_appointment_rules"),
    (lambda: AppointmentRules(per_person_daily_limit=0), "invalid_appointment_rules"),
    (lambda: CheckInWindow(early_minutes=-1), "invalid_check_in_window"),
    (lambda: FairnessRatio(0, 2), "invalid_calling_rules"),
    (lambda: CallingRules(recall_limit=1, no_show_after_recalls=2), "invalid_calling_rules"),
    (lambda: CallingRules(max_wait_minutes=0), "invalid_calling_rules"),
    (lambda: RatingRules(rectification_workdays=0), "invalid_rating_rules"),
    (lambda: EstimateRules(default_service_minutes=0), "invalid_estimate_rules"),
])
def test_rule_objects_refuse_impossible_values(make, code) -> None:
    assert _code(make) == code


def test_defaults_match_the_hall_practice() -> None:
    assert (CheckInWindow().early_minutes, CheckInWindow().late_minutes) == (30, 15)
    assert (FairnessRatio().priority, FairnessRatio().normal) == (1, 2)
    assert RatingRules().rectification_workdays == 5
