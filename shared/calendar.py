"""Working-day calendar for statutory time limits (行政许可法 Art. 82: periods count working days only).

Where a day's status comes from, in order:
1. the admin-editable override table (a date decided by a State Council notice, or a local correction);
2. for a year an admin has marked as published (all its holidays and make-up days entered as overrides),
   the weekday rule;
3. the `chinesecalendar` package's official data (2004 to the year it ships).
A day none of these covers raises `CalendarNotPublished` naming the year: a deadline is never guessed.

The overrides and published years are reference rows (`calendar_override`, `calendar_year`) the server publishes
to every hall; `load_calendar` reads them from whichever database holds them — the server's, or a device's
synced cache — so the server and an offline client count with the same calendar.

Counting walks day by day (never "add the number of holidays in the window", which undercounts when the
added days cross another holiday). The start day is not counted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping

import chinese_calendar
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.db.models import CalendarOverride, CalendarYear
from shared.errors import DomainError

Pause = tuple[dt.date, dt.date]  # (first, last): both ends inside the pause


class CalendarNotPublished(DomainError):
    code = "calendar_not_published"

    def __init__(self, year: int) -> None:
        super().__init__(f"the working-day calendar for {year} is not published yet; "
                         f"enter {year}'s holidays and make-up working days as calendar overrides", year=year)
        self.year = year


def _package_years() -> range:
    years = {d.year for d in chinese_calendar.holidays} | {d.year for d in chinese_calendar.workdays}
    return range(min(years), max(years) + 1)


_PACKAGE_YEARS = _package_years()


class WorkCalendar:
    def __init__(self, overrides: Mapping[dt.date, bool] | None = None,
                 published_years: Iterable[int] = ()) -> None:
        """`overrides` maps a date to True (working day) or False (holiday/rest day)."""
        self._overrides = dict(overrides or {})
        self._published = frozenset(published_years)
        self._days: dict[dt.date, bool] = {}  # memo: the package's lookup costs ~20 µs a day

    @property
    def fingerprint(self) -> str:
        """A digest of what decides the days (overrides, published years, packaged years): whatever was counted
        in working days with another fingerprint must be counted again."""
        text = repr((sorted(self._overrides.items()), sorted(self._published), _PACKAGE_YEARS))
        return hashlib.sha256(text.encode()).hexdigest()

    @property
    def package_years(self) -> range:
        return _PACKAGE_YEARS

    def covers(self, day: dt.date) -> bool:
        return day in self._overrides or day.year in self._published or day.year in _PACKAGE_YEARS

    def knows_year(self, year: int) -> bool:
        """Every day of the year is decided (published by an admin, or in the packaged data)."""
        return year in self._published or year in _PACKAGE_YEARS

    def is_workday(self, day: dt.date) -> bool:
        known = self._days.get(day)
        if known is None:
            known = self._days[day] = self._lookup(day)
        return known

    def _lookup(self, day: dt.date) -> bool:
        if day in self._overrides:
            return self._overrides[day]
        if day.year in self._published:
            return day.weekday() < 5
        if day.year in _PACKAGE_YEARS:
            return chinese_calendar.is_workday(day)
        raise CalendarNotPublished(day.year)

    def add_workdays(self, start: dt.date, n: int, pauses: Iterable[Pause] = ()) -> dt.date:
        """The day on which the n-th working day after `start` falls, skipping days inside any pause."""
        if n < 0:
            raise ValueError("n must not be negative")
        spans = _normalise(pauses)
        day, counted = start, 0
        while counted < n:
            day += dt.timedelta(days=1)
            if self.is_workday(day) and not _paused(day, spans):
                counted += 1
        return day

    def workdays_between(self, start: dt.date, end: dt.date, pauses: Iterable[Pause] = ()) -> int:
        """Working days after `start` up to and including `end` (0 when end <= start), pauses excluded."""
        spans = _normalise(pauses)
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            if self.is_workday(day) and not _paused(day, spans):
                count += 1
        return count


def _normalise(pauses: Iterable[Pause]) -> list[Pause]:
    spans = []
    for first, last in pauses:
        if last < first:
            raise ValueError(f"pause ends ({last}) before it starts ({first})")
        spans.append((first, last))
    return spans


def _paused(day: dt.date, spans: list[Pause]) -> bool:
    return any(first <= day <= last for first, last in spans)


CALENDARS_KEPT = 4  # a few contents at most (an edit, a test's own data); the oldest is dropped
_lock = threading.Lock()
_calendars: OrderedDict[tuple, WorkCalendar] = OrderedDict()


def load_calendar(session: Session) -> WorkCalendar:
    """The calendar as the database (server or synced cache) holds it now. Keyed by its content — every
    override and published year, read with one light query each — so an admin's edit, however it arrives,
    gives a fresh calendar at once, while equal content reuses one WorkCalendar and its memo of days."""
    overrides = tuple((day, is_workday) for day, is_workday in session.execute(
        select(CalendarOverride.day, CalendarOverride.is_workday).order_by(CalendarOverride.day)))
    years = tuple(session.scalars(select(CalendarYear.year).order_by(CalendarYear.year)))
    key = (overrides, years)
    with _lock:
        found = _calendars.get(key)
        if found is not None:
            _calendars.move_to_end(key)
            return found
        found = _calendars[key] = WorkCalendar(dict(overrides), years)
        while len(_calendars) > CALENDARS_KEPT:
            _calendars.popitem(last=False)
        return found


def forget_calendars() -> None:
    """Drop the memo (tests; never needed for correctness)."""
    with _lock:
        _calendars.clear()
