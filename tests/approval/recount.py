"""An independent working-day recount for checking the clocks: straight from chinesecalendar's data,
with its own reading of clock stops (the stop's first day counts, its last day does not)."""

from __future__ import annotations

import datetime as dt

import chinese_calendar


def stopped(day: dt.date, stops: list[tuple[dt.date, dt.date]]) -> bool:
    return any(first < day <= last for first, last in stops)


def count(start: dt.date, end: dt.date, stops: list[tuple[dt.date, dt.date]] = ()) -> int:
    n, day = 0, start + dt.timedelta(days=1)
    while day <= end:
        if chinese_calendar.is_workday(day) and not stopped(day, list(stops)):
            n += 1
        day += dt.timedelta(days=1)
    return n


def due(start: dt.date, budget: int, stops: list[tuple[dt.date, dt.date]] = ()) -> dt.date:
    day = start
    while count(start, day, stops) < budget:
        day += dt.timedelta(days=1)
    return day
