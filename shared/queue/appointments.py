"""预约: the slots a business offers, booking checks, and matching an arriving person to their appointment.

An appointment checked in inside its check-in window (e.g. 30 min early … 15 min late) gives an
appointment-class ticket; a late arrival becomes a walk-in; an early one is asked to come back.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass

from shared.calendar import WorkCalendar
from shared.queue.clock import require_aware
from shared.queue.config import Quota
from shared.queue.errors import BookingRefused, IssueRefused
from shared.queue.rules import AppointmentRules, CheckInWindow


@dataclass(frozen=True)
class Appointment:
    id: str
    business_id: int
    person_id: str          # normalised resident ID number
    slot_start: dt.datetime
    cancelled: bool = False

    def __post_init__(self) -> None:
        require_aware(self.slot_start, "slot_start")


def slots_for_day(day: dt.date, quota: Quota, rules: AppointmentRules, tz: dt.tzinfo) -> list[dt.datetime]:
    """Slot start times from opening to closing, every `slot_minutes`; a slot must end by closing time and,
    when the hall closes at lunch, must not overlap lunch."""
    step = dt.timedelta(minutes=rules.slot_minutes)
    start = dt.datetime.combine(day, quota.opens_at, tz)
    closes = dt.datetime.combine(day, quota.closes_at, tz)
    slots = []
    while start + step <= closes:
        if not (quota.lunch_closed and _overlaps_lunch(start, start + step, quota, day, tz)):
            slots.append(start)
        start += step
    return slots


def _overlaps_lunch(start: dt.datetime, end: dt.datetime, quota: Quota, day: dt.date, tz: dt.tzinfo) -> bool:
    assert quota.lunch_start is not None and quota.lunch_end is not None
    lunch_start = dt.datetime.combine(day, quota.lunch_start, tz)
    lunch_end = dt.datetime.combine(day, quota.lunch_end, tz)
    return start < lunch_end and lunch_start < end


def check_booking(rules: AppointmentRules, quota: Quota, slot_start: dt.datetime, now: dt.datetime, *,
                  booked_in_slot: int, person_bookings_that_day: int,
                  calendar: WorkCalendar | None = None) -> None:
    """Raise BookingRefused unless `slot_start` may be booked now by this person."""
    require_aware(now, "now")
    tz = require_aware(slot_start, "slot_start").tzinfo
    assert tz is not None
    day = slot_start.date()
    if calendar is not None and not calendar.is_workday(day):
        raise BookingRefused("hall_closed_that_day", f"{day} is not a working day", day=day.isoformat())
    if slot_start not in slots_for_day(day, quota, rules, tz):
        raise BookingRefused("slot_not_offered", f"no slot starts at {slot_start.isoformat()}",
                             slot=slot_start.isoformat())
    if slot_start - now < dt.timedelta(minutes=rules.min_lead_minutes):
        raise BookingRefused("booking_too_late", f"slots must be booked {rules.min_lead_minutes} min ahead",
                             slot=slot_start.isoformat(), lead_minutes=rules.min_lead_minutes)
    if day > now.date() + dt.timedelta(days=rules.horizon_days):
        raise BookingRefused("beyond_booking_horizon", f"slots can be booked {rules.horizon_days} days ahead",
                             slot=slot_start.isoformat(), horizon_days=rules.horizon_days)
    if booked_in_slot >= rules.capacity_per_slot:
        raise BookingRefused("slot_full", f"slot {slot_start.isoformat()} is full",
                             slot=slot_start.isoformat(), capacity=rules.capacity_per_slot)
    if person_bookings_that_day >= rules.per_person_daily_limit:
        raise BookingRefused("person_daily_booking_limit", f"at most {rules.per_person_daily_limit} "
                             f"appointment(s) per person per day", limit=rules.per_person_daily_limit)


class CheckInStatus(enum.Enum):
    ON_TIME = "on_time"
    LATE = "late"


@dataclass(frozen=True)
class CheckIn:
    appointment: Appointment
    status: CheckInStatus

    @property
    def on_time(self) -> bool:
        return self.status is CheckInStatus.ON_TIME


def check_in(appointments: Iterable[Appointment], person_id: str, now: dt.datetime, window: CheckInWindow,
             business_id: int | None = None) -> CheckIn | None:
    """Match an arriving person (by ID number, from a card swipe or a QR code) to today's appointment.

    On time wins; otherwise the latest missed appointment makes a walk-in (status LATE); if the person is
    only early, IssueRefused("check_in_too_early") says when check-in opens. None: no appointment today.
    """
    require_aware(now, "now")
    mine = [a for a in appointments if a.person_id == person_id and not a.cancelled
            and a.slot_start.astimezone(now.tzinfo).date() == now.date()
            and (business_id is None or a.business_id == business_id)]
    on_time = [a for a in mine if a.slot_start - window.early <= now <= a.slot_start + window.late]
    if on_time:
        return CheckIn(min(on_time, key=lambda a: (a.slot_start, a.id)), CheckInStatus.ON_TIME)
    late = [a for a in mine if now > a.slot_start + window.late]
    if late:
        return CheckIn(max(late, key=lambda a: (a.slot_start, a.id)), CheckInStatus.LATE)
    if mine:
        first = min(mine, key=lambda a: (a.slot_start, a.id))
        opens = first.slot_start - window.early
        raise IssueRefused("check_in_too_early", f"check-in for the {first.slot_start.time()} appointment opens "
                           f"at {opens.time()}", appointment=first.id, opens_at=opens.isoformat())
    return None
