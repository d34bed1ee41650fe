from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.calendar import CalendarNotPublished, WorkCalendar

D = dt.date


@pytest.fixture
def cal() -> WorkCalendar:
    return WorkCalendar()


def test_may_day_example_from_the_domain_notes(cal: WorkCalendar) -> None:
    # accepted 2026-04-28; 05-01..05-05 holiday; the weekend skipped; 05-09 is a working Saturday, not reached
    assert cal.add_workdays(D(2026, 4, 28), 5) == D(2026, 5, 8)


def test_make_up_saturday_is_a_working_day(cal: WorkCalendar) -> None:
    assert cal.is_workday(D(2026, 10, 10))  # Saturday, worked in exchange for the National Day holiday
    assert not cal.is_workday(D(2026, 10, 1))
    assert not cal.is_workday(D(2026, 10, 11))  # ordinary Sunday


def test_national_day_holiday_is_skipped_and_make_up_saturday_counted(cal: WorkCalendar) -> None:
    # 2026: 10-01..10-07 off; 10-08 (Thu) and 10-09 (Fri) worked; 10-10 is the make-up working Saturday
    assert cal.add_workdays(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert cal.add_workdays(D(2026, 9, 30), 3) == D(2026, 10, 10)
    assert cal.add_workdays(D(2026, 9, 30), 4) == D(2026, 10, 12)


def test_start_day_is_not_counted(cal: WorkCalendar) -> None:
    assert cal.add_workdays(D(2026, 11, 2), 1) == D(2026, 11, 3)  # Monday → Tuesday
    assert cal.add_workdays(D(2026, 11, 6), 1) == D(2026, 11, 9)  # Friday → Monday
    assert cal.add_workdays(D(2026, 11, 2), 0) == D(2026, 11, 2)


def test_pause_days_are_not_counted_and_both_ends_are_inside(cal: WorkCalendar) -> None:
    # a special procedure from Tue 11-03 to Thu 11-05 stops the clock for three working days
    assert cal.add_workdays(D(2026, 11, 2), 3) == D(2026, 11, 5)
    assert cal.add_workdays(D(2026, 11, 2), 3, pauses=[(D(2026, 11, 3), D(2026, 11, 5))]) == D(2026, 11, 10)


def test_pause_across_a_holiday_does_not_count_twice(cal: WorkCalendar) -> None:
    # pause 09-29..10-09: the working days before and after the holiday inside it are not counted;
    # the first counted day is the make-up Saturday 10-10
    assert cal.add_workdays(D(2026, 9, 28), 1, pauses=[(D(2026, 9, 29), D(2026, 10, 9))]) == D(2026, 10, 10)


def test_workdays_between(cal: WorkCalendar) -> None:
    assert cal.workdays_between(D(2026, 4, 28), D(2026, 5, 8)) == 5
    assert cal.workdays_between(D(2026, 5, 8), D(2026, 4, 28)) == 0
    assert cal.workdays_between(D(2026, 11, 2), D(2026, 11, 10), pauses=[(D(2026, 11, 3), D(2026, 11, 5))]) == 3


def test_unpublished_year_raises_naming_the_year(cal: WorkCalendar) -> None:
    with pytest.raises(CalendarNotPublished) as err:
        cal.add_workdays(D(2026, 12, 24), 10)  # runs into January 2027
    assert err.value.year == 2027
    assert err.value.code == "calendar_not_published"
    assert "2027" in str(err.value)


def test_2027_can_be_entered_as_overrides() -> None:
    # New Year's Day 2027 is a Friday; an admin publishes 2027 with its holidays entered as overrides
    cal = WorkCalendar({D(2027, 1, 1): False}, published_years=[2027])
    assert cal.add_workdays(D(2026, 12, 30), 2) == D(2027, 1, 4)
    assert not cal.is_workday(D(2027, 1, 2))  # plain weekend rule inside a published year


def test_single_override_without_publishing_the_year_covers_only_that_day() -> None:
    cal = WorkCalendar({D(2027, 1, 1): False})
    assert not cal.is_workday(D(2027, 1, 1))
    with pytest.raises(CalendarNotPublished):
        cal.is_workday(D(2027, 1, 4))


def test_override_corrects_the_official_data() -> None:
    cal = WorkCalendar({D(2026, 11, 2): False})  # e.g. a local typhoon closure
    assert cal.add_workdays(D(2026, 10, 30), 1) == D(2026, 11, 3)


def test_bad_arguments() -> None:
    cal = WorkCalendar()
    with pytest.raises(ValueError):
        cal.add_workdays(D(2026, 1, 5), -1)
    with pytest.raises(ValueError):
        cal.add_workdays(D(2026, 1, 5), 1, pauses=[(D(2026, 1, 9), D(2026, 1, 6))])


@given(st.dates(min_value=D(2020, 1, 1), max_value=D(2026, 6, 30)), st.integers(min_value=0, max_value=60))
def test_add_and_between_agree(start: dt.date, n: int) -> None:
    cal = WorkCalendar()
    due = cal.add_workdays(start, n)
    assert cal.workdays_between(start, due) == n
    assert n == 0 or cal.is_workday(due)
