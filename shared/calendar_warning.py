"""When to warn that a year's working-day calendar is missing (deadlines cannot be counted into it).

- From 1 November the administrator is told that next year is not entered yet (time to enter the State
  Council's notice, which is usually published in late October or November).
- From 1 December it is late: a 20-working-day limit counted from then ends in January, so new deadlines are
  already provisional; every deadline screen says so. The same holds, harder, when this year itself is missing.
The day is passed in (the caller's injected clock); nothing here reads the wall clock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

ADMIN_FROM = (11, 1)  # month, day
LATE_FROM = (12, 1)


class KnowsYears(Protocol):
    def knows_year(self, year: int) -> bool: ...


@dataclass(frozen=True)
class CalendarWarning:
    year: int      # the missing year
    late: bool     # deadlines are already affected (show on deadline screens, not only to admins)


def calendar_warning(calendar: KnowsYears, today: dt.date) -> CalendarWarning | None:
    if not calendar.knows_year(today.year):
        return CalendarWarning(today.year, late=True)
    if (today.month, today.day) >= ADMIN_FROM and not calendar.knows_year(today.year + 1):
        return CalendarWarning(today.year + 1, late=(today.month, today.day) >= LATE_FROM)
    return None
