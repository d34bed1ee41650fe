from __future__ import annotations

import datetime as dt

from pydantic import Field

from shared.protocol.base import Request, Response


class DayOverride(Request):
    is_workday: bool
    notice: str = Field(default="", max_length=200)


class PublishYear(Request):
    notice: str = Field(min_length=1, max_length=200)


class DayOut(Response):
    day: dt.date
    is_workday: bool
    source: str  # override / published_year / official


class DueOut(Response):
    start: dt.date
    workdays: int
    due: dt.date


class CalendarImport(Request):
    """A year's days as text: CSV lines or the State Council notice (shared/calendar_import.py)."""
    text: str = Field(min_length=1, max_length=20000)
    notice: str = Field(min_length=1, max_length=200)  # the notice's number, kept with every day it decided
    publish: bool = True  # mark the year as entered: its other days follow the weekday rule


class YearDay(Response):
    day: dt.date
    is_workday: bool
    notice: str
    source: str  # override / official


class YearOut(Response):
    year: int
    status: str  # official (packaged data) / published (entered by an admin) / missing
    notice: str
    days: list[YearDay]  # the days that differ from the weekday rule, and every override
