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
