"""A hall's queue configuration as `shared.queue` value objects, loaded from the reference tables (businesses,
windows, quotas) and the hall's rules document. `load_hall_config` is the one way in; the rules document is
validated by building the value objects, so a bad document never reaches the database."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.calendar import WorkCalendar
from shared.db.models import Business as BusinessRow
from shared.db.models import CalendarOverride, CalendarYear
from shared.db.models import Quota as QuotaRow
from shared.db.models import Window as WindowRow
from shared.db.models import WindowBusiness
from shared.queue.config import Business, Quota, Window, WindowService
from shared.queue.errors import InvalidConfiguration
from shared.queue.rules import (AppointmentRules, CallingRules, CheckInWindow, EstimateRules, FairnessRatio,
                                RatingRules)
from server.queue.models import QueueHallRules

SERIES = "ticket"  # the number series of queue tickets: (ticket, hall, business prefix, day)


@dataclass(frozen=True)
class HallRules:
    """Everything configurable about a hall's queue besides businesses, windows and quotas. `lunch_closed`
    and `pm_starts_at` are the hall's lunch rule and AM/PM split, applied to every business's quota;
    `lunch_closed_by_business` overrides the lunch rule for single businesses (business id → closed)."""

    appointment: AppointmentRules = field(default_factory=AppointmentRules)
    check_in: CheckInWindow = field(default_factory=CheckInWindow)
    calling: CallingRules = field(default_factory=CallingRules)
    rating: RatingRules = field(default_factory=RatingRules)
    estimate: EstimateRules = field(default_factory=EstimateRules)
    lunch_closed: bool = False
    pm_starts_at: dt.time = dt.time(12, 0)
    lunch_closed_by_business: dict[int, bool] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["pm_starts_at"] = self.pm_starts_at.isoformat(timespec="minutes")
        out["lunch_closed_by_business"] = {str(k): v for k, v in sorted(self.lunch_closed_by_business.items())}
        return out

    def lunch_closed_for(self, business_id: int) -> bool:
        return self.lunch_closed_by_business.get(business_id, self.lunch_closed)


_SECTIONS = {"appointment": AppointmentRules, "check_in": CheckInWindow, "rating": RatingRules,
             "estimate": EstimateRules}


def rules_from_json(doc: dict[str, Any]) -> HallRules:
    """Build (and so validate) rules from a document; unknown keys and wrong types are configuration errors."""
    if not isinstance(doc, dict):
        raise InvalidConfiguration("invalid_calling_rules", "rules", "rules must be an object")
    unknown = set(doc) - {*_SECTIONS, "calling", "lunch_closed", "pm_starts_at", "lunch_closed_by_business"}
    if unknown:
        raise InvalidConfiguration("invalid_calling_rules", sorted(unknown)[0],
                                   f"unknown rule sections {sorted(unknown)}")
    parts: dict[str, Any] = {}
    for name, kind in _SECTIONS.items():
        parts[name] = _build(kind, doc.get(name, {}), f"invalid_{name}_rules" if name != "check_in"
                             else "invalid_check_in_window")
    calling = dict(doc.get("calling", {}))
    fairness = _build(FairnessRatio, calling.pop("fairness", {}), "invalid_calling_rules")
    parts["calling"] = _build(CallingRules, {**calling, "fairness": fairness}, "invalid_calling_rules")
    lunch_closed = doc.get("lunch_closed", False)
    if not isinstance(lunch_closed, bool):
        raise InvalidConfiguration("invalid_quota", "lunch_closed", "lunch_closed must be true or false")
    try:
        pm = dt.time.fromisoformat(doc.get("pm_starts_at", "12:00"))
    except (TypeError, ValueError):
        raise InvalidConfiguration("invalid_quota", "pm_starts_at", "pm_starts_at must read HH:MM") from None
    return HallRules(**parts, lunch_closed=lunch_closed, pm_starts_at=pm,
                     lunch_closed_by_business=_lunch_overrides(doc.get("lunch_closed_by_business", {})))


def _lunch_overrides(value: Any) -> dict[int, bool]:
    bad = InvalidConfiguration("invalid_quota", "lunch_closed_by_business",
                               "lunch_closed_by_business maps business ids to true or false")
    if not isinstance(value, dict):
        raise bad
    out = {}
    for key, closed in value.items():
        if not (isinstance(key, int) or (isinstance(key, str) and key.isdigit())) or not isinstance(closed, bool):
            raise bad
        out[int(key)] = closed
    return out


_TYPE_CHECKS = {  # the rules' field annotations are strings (postponed evaluation)
    "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "float": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "bool": lambda v: isinstance(v, bool),
    "FairnessRatio": lambda v: isinstance(v, FairnessRatio),
}


def _build(kind: type, values: Any, code: str) -> Any:
    if isinstance(values, kind):
        return values
    if not isinstance(values, dict):
        raise InvalidConfiguration(code, kind.__name__, f"{kind.__name__} must be an object")
    for name, value in values.items():
        if name not in kind.__dataclass_fields__:
            raise InvalidConfiguration(code, name, f"{kind.__name__} has no setting {name!r}")
        if not _TYPE_CHECKS.get(str(kind.__dataclass_fields__[name].type), lambda v: False)(value):
            raise InvalidConfiguration(code, name, f"{kind.__name__}.{name} has the wrong type")
    return kind(**values)


@dataclass(frozen=True)
class HallConfig:
    hall_id: int
    businesses: dict[int, Business]
    prefixes: dict[int, str]
    quotas: dict[int, Quota]
    windows: dict[int, Window]
    rules: HallRules

    def business(self, business_id: int) -> Business | None:
        return self.businesses.get(business_id)

    def window(self, window_id: int) -> Window | None:
        return self.windows.get(window_id)


def load_rules(session: Session, hall_id: int) -> HallRules:
    doc = session.scalar(select(QueueHallRules.rules).where(QueueHallRules.hall_id == hall_id))
    return rules_from_json(doc) if doc is not None else HallRules()


def load_hall_config(session: Session, hall_id: int) -> HallConfig:
    """The hall's queue configuration. Cached in the session for the length of one unit of work (a push
    applies many commands against the same configuration). Read with plain column queries, not ORM entities:
    every push loads it, and entity loading cost more than the commands themselves."""
    cache = session.info.setdefault("queue_config", {})
    if hall_id in cache:
        return cache[hall_id]
    rules = load_rules(session, hall_id)
    rows = session.execute(select(BusinessRow.id, BusinessRow.prefix, BusinessRow.name, BusinessRow.active)
                           .where(BusinessRow.hall_id == hall_id)).all()
    businesses = {b.id: Business(b.id, b.prefix, b.name, b.active) for b in rows}
    quotas = {q.business_id: quota_of(q, rules) for q in session.execute(
        select(QuotaRow).join(BusinessRow, BusinessRow.id == QuotaRow.business_id)
        .where(BusinessRow.hall_id == hall_id)).scalars()}
    services: dict[int, list[WindowService]] = {}
    for wb in session.execute(select(WindowBusiness.window_id, WindowBusiness.business_id, WindowBusiness.priority)
                              .join(WindowRow, WindowRow.id == WindowBusiness.window_id)
                              .where(WindowRow.hall_id == hall_id)
                              .order_by(WindowBusiness.window_id, WindowBusiness.priority, WindowBusiness.business_id)):
        services.setdefault(wb.window_id, []).append(WindowService(wb.business_id, wb.priority))
    windows = {}
    for w in session.execute(select(WindowRow.id, WindowRow.number, WindowRow.name, WindowRow.active)
                             .where(WindowRow.hall_id == hall_id)):
        if w.id in services:  # a window serving nothing cannot call: it is left out, not an error
            windows[w.id] = Window(w.id, w.number, tuple(services[w.id]), w.name, w.active)
    config = HallConfig(hall_id, businesses, {b.id: b.prefix for b in rows}, quotas, windows, rules)
    cache[hall_id] = config
    return config


def forget_config(session: Session) -> None:
    """Drop the cached configuration (after an admin change inside the same unit of work)."""
    session.info.pop("queue_config", None)


def quota_of(row: Any, rules: HallRules) -> Quota:
    lunch_closed = rules.lunch_closed_for(row.business_id) and row.lunch_start is not None
    return Quota(row.business_id, row.daily_limit, row.am_limit, row.pm_limit, row.opens_at, row.closes_at,
                 row.lunch_start, row.lunch_end, lunch_closed,
                 rules.pm_starts_at, row.paused)


def work_calendar(session: Session) -> WorkCalendar:
    """The working-day calendar with the admins' overrides (rectification deadlines, appointment days)."""
    overrides = {o.day: o.is_workday for o in session.scalars(select(CalendarOverride))}
    return WorkCalendar(overrides, session.scalars(select(CalendarYear.year)).all())
