"""A hall's queue rules — the published row codec and the one reading of it. The server stores the rules
document per hall and publishes it to the hall's devices as a `queue_hall_rules` row; the server's decisions and
every device's (dispenser, counter) build their rules and quotas through `rules_from_row` and `quota_of` here,
so an offline decision uses exactly the rules the server would."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from shared.queue.config import Quota
from shared.queue.errors import InvalidConfiguration
from shared.queue.rules import (AppointmentRules, CallingRules, CheckInWindow, EstimateRules, FairnessRatio,
                                RatingRules, RemoteRules)
from shared.queue.tickets import GreenChannelReason

ALL_GREEN_REASONS = frozenset(GreenChannelReason)

RULES_TABLE = "queue_hall_rules"  # the published table: one row per hall, key = hall id


@dataclass(frozen=True)
class HallRules:
    """Everything configurable about a hall's queue besides businesses, windows and quotas. `lunch_closed`
    and `pm_starts_at` are the hall's lunch rule and AM/PM split, applied to every business's quota;
    `lunch_closed_by_business` overrides the lunch rule for single businesses (business id → closed);
    `green_reasons_by_business` lists the priority classes (green-channel reasons: 老年人/残疾人/孕妇/军人) a
    business offers (business id → reasons); a business not listed offers them all, as before the setting."""

    appointment: AppointmentRules = field(default_factory=AppointmentRules)
    check_in: CheckInWindow = field(default_factory=CheckInWindow)
    calling: CallingRules = field(default_factory=CallingRules)
    rating: RatingRules = field(default_factory=RatingRules)
    estimate: EstimateRules = field(default_factory=EstimateRules)
    remote: RemoteRules = field(default_factory=RemoteRules)  # 到厅取号 from a phone (issue 17)
    lunch_closed: bool = False
    pm_starts_at: dt.time = dt.time(12, 0)
    lunch_closed_by_business: dict[int, bool] = field(default_factory=dict)
    green_reasons_by_business: dict[int, tuple[str, ...]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["pm_starts_at"] = self.pm_starts_at.isoformat(timespec="minutes")
        out["lunch_closed_by_business"] = {str(k): v for k, v in sorted(self.lunch_closed_by_business.items())}
        out["green_reasons_by_business"] = {str(k): list(v) for k, v in sorted(self.green_reasons_by_business.items())}
        return out

    def green_reasons_for(self, business_id: int) -> frozenset[GreenChannelReason]:
        """The priority classes this business offers (the one reading server and dispenser share)."""
        listed = self.green_reasons_by_business.get(business_id)
        return ALL_GREEN_REASONS if listed is None else frozenset(GreenChannelReason(r) for r in listed)

    def lunch_closed_for(self, business_id: int) -> bool:
        return self.lunch_closed_by_business.get(business_id, self.lunch_closed)


_SECTIONS = {"appointment": AppointmentRules, "check_in": CheckInWindow, "rating": RatingRules,
             "estimate": EstimateRules, "remote": RemoteRules}


def rules_from_json(doc: dict[str, Any]) -> HallRules:
    """Build (and so validate) rules from a document; unknown keys and wrong types are configuration errors."""
    if not isinstance(doc, dict):
        raise InvalidConfiguration("invalid_calling_rules", "rules", "rules must be an object")
    unknown = set(doc) - {*_SECTIONS, "calling", "lunch_closed", "pm_starts_at", "lunch_closed_by_business",
                          "green_reasons_by_business"}
    if unknown:
        raise InvalidConfiguration("invalid_calling_rules", sorted(unknown)[0],
                                   f"unknown rule sections {sorted(unknown)}")
    parts: dict[str, Any] = {}
    for name, kind in _SECTIONS.items():
        parts[name] = _build(kind, doc.get(name, {}), f"invalid_{name}_rules" if name != "check_in"
                             else "invalid_check_in_window")
    calling = doc.get("calling", {})
    if not isinstance(calling, dict):
        raise InvalidConfiguration("invalid_calling_rules", "calling", "calling must be an object")
    calling = dict(calling)
    fairness = _build(FairnessRatio, calling.pop("fairness", {}), "invalid_calling_rules")
    parts["calling"] = _build(CallingRules, {**calling, "fairness": fairness}, "invalid_calling_rules")
    lunch_closed = doc.get("lunch_closed", False)
    if not isinstance(lunch_closed, bool):
        raise InvalidConfiguration("invalid_quota", "lunch_closed", "lunch_closed must be true or false")
    try:
        pm = dt.time.fromisoformat(doc.get("pm_starts_at", "12:00"))
    except (TypeError, ValueError):
        raise InvalidConfiguration("invalid_quota", "pm_starts_at", "pm_starts_at must read HH:MM") from None
    if pm.tzinfo is not None:  # hall-local, like every time of day: an offset could not be compared
        raise InvalidConfiguration("invalid_quota", "pm_starts_at", "pm_starts_at is hall-local time, no time zone")
    return HallRules(**parts, lunch_closed=lunch_closed, pm_starts_at=pm,
                     lunch_closed_by_business=_lunch_overrides(doc.get("lunch_closed_by_business", {})),
                     green_reasons_by_business=_green_reasons(doc.get("green_reasons_by_business", {})))


def _business_key(key: Any) -> bool:
    numeric = isinstance(key, str) and key.isascii() and key.isdigit() and len(key) <= 18  # not "²"
    return isinstance(key, int) or numeric


def _green_reasons(value: Any) -> dict[int, tuple[str, ...]]:
    allowed = [r.value for r in GreenChannelReason]
    bad = InvalidConfiguration("invalid_priority_classes", "green_reasons_by_business",
                               f"green_reasons_by_business maps business ids to lists of {allowed}")
    if not isinstance(value, dict):
        raise bad
    out = {}
    for key, reasons in value.items():
        if not _business_key(key) or not isinstance(reasons, list) or not all(r in allowed for r in reasons):
            raise bad
        out[int(key)] = tuple(r for r in allowed if r in reasons)  # canonical order, no repeats
    return out


def _lunch_overrides(value: Any) -> dict[int, bool]:
    bad = InvalidConfiguration("invalid_quota", "lunch_closed_by_business",
                               "lunch_closed_by_business maps business ids to true or false")
    if not isinstance(value, dict):
        raise bad
    out = {}
    for key, closed in value.items():
        numeric = isinstance(key, str) and key.isascii() and key.isdigit() and len(key) <= 18  # not "²"
        if not (isinstance(key, int) or numeric) or not isinstance(closed, bool):
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


def quota_of(row: Any, rules: HallRules) -> Quota:
    lunch_closed = rules.lunch_closed_for(row.business_id) and row.lunch_start is not None
    return Quota(row.business_id, row.daily_limit, row.am_limit, row.pm_limit, row.opens_at, row.closes_at,
                 row.lunch_start, row.lunch_end, lunch_closed,
                 rules.pm_starts_at, row.paused)


def rules_row(hall_id: int, rules: HallRules) -> dict[str, Any]:
    """The published form of a hall's rules (what `rules_from_row` reads back)."""
    return {"hall_id": hall_id, "rules": rules.to_json()}


def rules_from_row(row: Mapping[str, Any] | None) -> HallRules:
    """The rules a published row carries; no row yet (a hall never configured) means the defaults, exactly as
    on the server, where a hall without a stored document runs `HallRules()`."""
    if row is None:
        return HallRules()
    if not isinstance(row, Mapping) or "rules" not in row:
        raise InvalidConfiguration("invalid_calling_rules", "rules", "a queue_hall_rules row carries 'rules'")
    return rules_from_json(row["rules"])
