import datetime as dt

import pytest

from shared.calendar import WorkCalendar
from shared.queue.appointments import (Appointment, CheckInStatus, check_booking, check_in, slots_for_day)
from shared.queue.clock import CHINA_TZ
from shared.queue.config import Quota
from shared.queue.errors import BookingRefused, IssueRefused
from shared.queue.rules import AppointmentRules, CheckInWindow
from tests.queue.builders import T0, resident_id

ALICE, BOB = resident_id(11), resident_id(13)
SLOT = T0.replace(hour=10)                       # Monday 10:00
WINDOW = CheckInWindow(early_minutes=30, late_minutes=15)
APPOINTMENTS = [Appointment("ap1", 1, ALICE, SLOT), Appointment("ap2", 1, BOB, SLOT, cancelled=True)]
SEC = dt.timedelta(seconds=1)


@pytest.mark.parametrize("offset, status", [
    (-dt.timedelta(minutes=30), CheckInStatus.ON_TIME),          # first moment of the window
    (dt.timedelta(0), CheckInStatus.ON_TIME),
    (dt.timedelta(minutes=15), CheckInStatus.ON_TIME),           # last moment of the window
    (dt.timedelta(minutes=15) + SEC, CheckInStatus.LATE),        # late: becomes a walk-in
    (dt.timedelta(hours=5), CheckInStatus.LATE),
])
def test_check_in_window_boundaries(offset, status) -> None:
    match = check_in(APPOINTMENTS, ALICE, SLOT + offset, WINDOW)
    assert match is not None and match.status is status and match.appointment.id == "ap1"


def test_too_early_says_when_check_in_opens() -> None:
    with pytest.raises(IssueRefused) as info:
        check_in(APPOINTMENTS, ALICE, SLOT - dt.timedelta(minutes=30) - SEC, WINDOW)
    assert info.value.code == "check_in_too_early"
    assert info.value.details["opens_at"] == "2026-11-23T09:30:00+08:00"


def test_no_match_for_strangers_cancelled_other_days_or_other_business() -> None:
    assert check_in(APPOINTMENTS, resident_id(15), SLOT, WINDOW) is None
    assert check_in(APPOINTMENTS, BOB, SLOT, WINDOW) is None
    assert check_in(APPOINTMENTS, ALICE, SLOT + dt.timedelta(days=1), WINDOW) is None
    assert check_in(APPOINTMENTS, ALICE, SLOT, WINDOW, business_id=2) is None


def test_on_time_wins_over_an_earlier_missed_appointment() -> None:
    both = [Appointment("morning", 1, ALICE, SLOT.replace(hour=9)), Appointment("ap1", 2, ALICE, SLOT)]
    match = check_in(both, ALICE, SLOT, WINDOW)
    assert match.appointment.id == "ap1" and match.on_time


RULES = AppointmentRules(slot_minutes=30, capacity_per_slot=2, horizon_days=7, min_lead_minutes=60,
                         per_person_daily_limit=1)
QUOTA = Quota(1, opens_at=dt.time(9), closes_at=dt.time(12), lunch_start=dt.time(11), lunch_end=dt.time(11, 30),
              lunch_closed=True)


def test_slots_fill_opening_hours_and_skip_a_closed_lunch() -> None:
    slots = slots_for_day(dt.date(2026, 11, 24), QUOTA, RULES, CHINA_TZ)
    assert [s.strftime("%H:%M") for s in slots] == ["09:00", "09:30", "10:00", "10:30", "11:30"]
    open_lunch = Quota(1, opens_at=dt.time(9), closes_at=dt.time(10, 15))
    assert [s.strftime("%H:%M") for s in slots_for_day(dt.date(2026, 11, 24), open_lunch, RULES, CHINA_TZ)] \
        == ["09:00", "09:30"]                     # a slot must end by closing time


def _booking(slot, now=T0, booked=0, mine=0, calendar=None) -> str | None:
    try:
        check_booking(RULES, QUOTA, slot, now, booked_in_slot=booked, person_bookings_that_day=mine,
                      calendar=calendar)
    except BookingRefused as refusal:
        return refusal.code
    return None


def test_booking_rules() -> None:
    tomorrow_10 = SLOT + dt.timedelta(days=1)
    assert _booking(tomorrow_10) is None
    assert _booking(tomorrow_10, booked=2) == "slot_full"
    assert _booking(tomorrow_10, mine=1) == "person_daily_booking_limit"
    assert _booking(tomorrow_10.replace(minute=10)) == "slot_not_offered"
    assert _booking(tomorrow_10.replace(hour=11)) == "slot_not_offered"            # lunch
    assert _booking(T0.replace(hour=9, minute=30)) == "booking_too_late"           # only 30 min ahead
    assert _booking(T0.replace(hour=10)) is None                                   # exactly 60 min ahead
    assert _booking(SLOT + dt.timedelta(days=7)) is None
    assert _booking(SLOT + dt.timedelta(days=8)) == "beyond_booking_horizon"


def test_booking_on_a_holiday_is_refused_when_a_calendar_is_given() -> None:
    national_day = dt.datetime(2026, 10, 2, 10, 0, tzinfo=CHINA_TZ)
    now = dt.datetime(2026, 9, 28, 9, 0, tzinfo=CHINA_TZ)
    assert _booking(national_day, now=now, calendar=WorkCalendar()) == "hall_closed_that_day"
    make_up_saturday = national_day.replace(day=10)
    after_holiday = dt.datetime(2026, 10, 8, 9, 0, tzinfo=CHINA_TZ)
    assert _booking(make_up_saturday, now=after_holiday, calendar=WorkCalendar()) is None
    assert _booking(make_up_saturday + dt.timedelta(days=1), now=after_holiday,
                    calendar=WorkCalendar()) == "hall_closed_that_day"
