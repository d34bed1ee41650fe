"""Working-day counting for clocks, on top of shared.calendar.WorkCalendar.

`EstimatingCalendar` answers for years the calendar does not cover with the plain weekday rule and
remembers which years it had to guess, so every clock built on it can say "provisional (2027 unknown)"
instead of presenting a guess as a deadline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from shared.calendar import CalendarNotPublished, Pause, WorkCalendar

ONE_DAY = dt.timedelta(days=1)


class EstimatingCalendar:
    def __init__(self, calendar: WorkCalendar) -> None:
        self._calendar = calendar
        self.unknown_years: set[int] = set()

    def is_workday(self, day: dt.date) -> bool:
        try:
            return self._calendar.is_workday(day)
        except CalendarNotPublished as exc:
            self.unknown_years.add(exc.year)
            return day.weekday() < 5

    # The same day-by-day walks as WorkCalendar, driven by the estimating is_workday above.
    add_workdays = WorkCalendar.add_workdays
    workdays_between = WorkCalendar.workdays_between


def stop_pause(started_on: dt.date, ended_on: dt.date) -> Pause | None:
    """The days a clock stop excludes. The clock ran on the day the stop began (that day counts), and it
    restarts on the day the stop ends, which — like the first day of any period — is not counted.
    A stop begun and ended on the same day excludes nothing."""
    first = started_on + ONE_DAY
    return (first, ended_on) if ended_on >= first else None


def pauses_for(intervals: Iterable[tuple[dt.date, dt.date | None]], until: dt.date) -> list[Pause]:
    """Pauses for (start, end) stop intervals; an open interval (end None) is taken to run through `until`."""
    pauses = []
    for started_on, ended_on in intervals:
        pause = stop_pause(started_on, ended_on if ended_on is not None else until)
        if pause is not None:
            pauses.append(pause)
    return pauses
