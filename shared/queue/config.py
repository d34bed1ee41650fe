"""Hall configuration as plain, validated value objects: businesses, windows and quotas.

They mirror `shared.db.models.org` (Business, Window, WindowBusiness, Quota) without depending on SQLAlchemy,
so the server, an offline client cache and a simulation can all build them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from shared.queue.errors import InvalidConfiguration


@dataclass(frozen=True)
class Business:
    """叫号业务: what a ticket is for; `prefix` is the ticket letter(s), e.g. "A"."""

    id: int
    prefix: str
    name: str
    active: bool = True

    def __post_init__(self) -> None:
        if not (1 <= len(self.prefix) <= 2 and self.prefix.isascii() and self.prefix.isalpha()
                and self.prefix.isupper()):
            raise InvalidConfiguration("invalid_business", "prefix",
                                       f"prefix must be 1-2 upper-case letters, got {self.prefix!r}")
        if not self.name.strip():
            raise InvalidConfiguration("invalid_business", "name", "business name is empty")


@dataclass(frozen=True)
class WindowService:
    """A window serves a business at a level (1 = served first): `WindowBusiness.priority` in the database,
    called `level` here so it is not confused with the tickets' priority classes."""

    business_id: int
    level: int = 1

    def __post_init__(self) -> None:
        if self.level < 1:
            raise InvalidConfiguration("invalid_window", "level",
                                       f"priority level must be >= 1, got {self.level}")


@dataclass(frozen=True)
class Window:
    """窗口: a numbered counter serving one or more businesses."""

    id: int
    number: int
    services: tuple[WindowService, ...]
    name: str = ""
    active: bool = True

    def __post_init__(self) -> None:
        if self.number < 1:
            raise InvalidConfiguration("invalid_window", "number",
                                       f"window number must be >= 1, got {self.number}")
        if not self.services:
            raise InvalidConfiguration("invalid_window", "services", f"window {self.number} serves no business")
        ids = [s.business_id for s in self.services]
        if len(set(ids)) != len(ids):
            raise InvalidConfiguration("invalid_window", "services",
                                       f"window {self.number} lists a business twice: {ids}")

    def serves(self, business_id: int) -> bool:
        return any(s.business_id == business_id for s in self.services)

    def level_of(self, business_id: int) -> int | None:
        return next((s.level for s in self.services if s.business_id == business_id), None)

    @property
    def business_ids(self) -> frozenset[int]:
        return frozenset(s.business_id for s in self.services)


def _check_limit(field: str, value: int | None) -> None:
    if value is not None and value < 0:
        raise InvalidConfiguration("invalid_quota", field, f"{field} must not be negative, got {value}")


def check_quota_limits(daily_limit: int | None, am_limit: int | None, pm_limit: int | None) -> None:
    """What an admin may not set (devices keep reading older rows as they are): a half day's limit above the
    day's, which the day's limit would silently cut."""
    for half, limit in (("am", am_limit), ("pm", pm_limit)):
        if daily_limit is not None and limit is not None and limit > daily_limit:
            raise InvalidConfiguration(f"quota_{half}_exceeds_day", f"{half}_limit",
                                       f"{half} limit {limit} is above the daily limit {daily_limit}")


@dataclass(frozen=True)
class Quota:
    """放号管控 for one business. A limit of None means unlimited.

    `lunch_closed` is the lunch-time rule: True stops issuing between `lunch_start` and `lunch_end`;
    False is 中午不打烊 (the hall keeps issuing over lunch). Tickets issued before `pm_starts_at` count
    against `am_limit`, later ones against `pm_limit`.
    """

    business_id: int
    daily_limit: int | None = None
    am_limit: int | None = None
    pm_limit: int | None = None
    opens_at: dt.time = dt.time(9, 0)
    closes_at: dt.time = dt.time(17, 30)
    lunch_start: dt.time | None = None
    lunch_end: dt.time | None = None
    lunch_closed: bool = False
    pm_starts_at: dt.time = dt.time(12, 0)
    paused: bool = False

    def __post_init__(self) -> None:
        for field in ("daily_limit", "am_limit", "pm_limit"):
            _check_limit(field, getattr(self, field))
        if not self.opens_at < self.closes_at:
            raise InvalidConfiguration("invalid_quota", "closes_at",
                                       f"opening time {self.opens_at} must be before "
                                       f"closing time {self.closes_at}")
        if (self.lunch_start is None) != (self.lunch_end is None):
            raise InvalidConfiguration("invalid_quota", "lunch_end", "lunch needs both a start and an end")
        if self.lunch_start is not None and self.lunch_end is not None:
            if not self.opens_at <= self.lunch_start < self.lunch_end <= self.closes_at:
                raise InvalidConfiguration("invalid_quota", "lunch_start",
                                           "lunch must lie inside opening hours and start before it ends")
        if self.lunch_closed and self.lunch_start is None:
            raise InvalidConfiguration("invalid_quota", "lunch_closed", "closing at lunch needs lunch times")

    @property
    def unlimited(self) -> bool:
        return self.daily_limit is None and self.am_limit is None and self.pm_limit is None

    def is_am(self, at: dt.time) -> bool:
        return at < self.pm_starts_at

    def is_open(self, at: dt.time) -> bool:
        return self.opens_at <= at < self.closes_at

    def in_lunch(self, at: dt.time) -> bool:
        return (self.lunch_start is not None and self.lunch_end is not None
                and self.lunch_start <= at < self.lunch_end)
