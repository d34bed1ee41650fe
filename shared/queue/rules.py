"""Queue rules as validated value objects: appointment booking, check-in, calling, fairness and rating."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from shared.queue.errors import InvalidConfiguration


DAY_MINUTES = 24 * 60
# Upper bounds (issue 18): a setting past them would make every booking, call or deadline overflow a date.
MAXIMA = {"horizon_days": 366, "slot_minutes": DAY_MINUTES, "min_lead_minutes": 366 * DAY_MINUTES,
          "early_minutes": DAY_MINUTES, "late_minutes": DAY_MINUTES, "max_wait_minutes": 366 * DAY_MINUTES,
          "serve_after_close_minutes": DAY_MINUTES, "timeout_seconds": 3600, "rectification_workdays": 366,
          "recall_limit": 100, "no_show_after_recalls": 100}
DEFAULT_MAXIMUM = 1_000_000  # counts and capacities


def _positive(code: str, name: str, value: int, minimum: int = 1) -> None:
    maximum = MAXIMA.get(name, DEFAULT_MAXIMUM)
    if value < minimum:
        raise InvalidConfiguration(code, name, f"{name} must be >= {minimum}, got {value}")
    if value > maximum:
        raise InvalidConfiguration(code, name, f"{name} must be <= {maximum}, got {value}")


@dataclass(frozen=True)
class AppointmentRules:
    """预约: slots of `slot_minutes`, each taking `capacity_per_slot` people; bookable from
    `min_lead_minutes` ahead up to `horizon_days` ahead; at most `per_person_daily_limit` per person a day.
    Against abuse (booking and cancelling in a loop, scripts sweeping slots): one ID number may make at most
    `bookings_per_person_per_day` bookings on one calendar day (cancelled ones count), and one client (its
    token, else its address) at most `requests_per_client_per_hour` booking requests an hour."""

    slot_minutes: int = 30
    capacity_per_slot: int = 5
    horizon_days: int = 7
    min_lead_minutes: int = 60
    per_person_daily_limit: int = 1
    bookings_per_person_per_day: int = 5
    requests_per_client_per_hour: int = 30

    def __post_init__(self) -> None:
        _positive("invalid_appointment_rules", "bookings_per_person_per_day", self.bookings_per_person_per_day)
        _positive("invalid_appointment_rules", "requests_per_client_per_hour", self.requests_per_client_per_hour)
        _positive("invalid_appointment_rules", "slot_minutes", self.slot_minutes)
        _positive("invalid_appointment_rules", "capacity_per_slot", self.capacity_per_slot)
        _positive("invalid_appointment_rules", "horizon_days", self.horizon_days)
        _positive("invalid_appointment_rules", "min_lead_minutes", self.min_lead_minutes, 0)
        _positive("invalid_appointment_rules", "per_person_daily_limit", self.per_person_daily_limit)


@dataclass(frozen=True)
class CheckInWindow:
    """An appointment counts as on time from `early_minutes` before the slot until `late_minutes` after its
    start; later arrivals become walk-ins."""

    early_minutes: int = 30
    late_minutes: int = 15

    def __post_init__(self) -> None:
        _positive("invalid_check_in_window", "early_minutes", self.early_minutes, 0)
        _positive("invalid_check_in_window", "late_minutes", self.late_minutes, 0)

    @property
    def early(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.early_minutes)

    @property
    def late(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.late_minutes)


@dataclass(frozen=True)
class FairnessRatio:
    """Out of every `priority + normal` calls (when both kinds wait), `priority` go to the priority classes
    (appointments, green channel) and `normal` to walk-ins. 1:2 is the default."""

    priority: int = 1
    normal: int = 2

    def __post_init__(self) -> None:
        _positive("invalid_calling_rules", "fairness.priority", self.priority)
        _positive("invalid_calling_rules", "fairness.normal", self.normal)


@dataclass(frozen=True)
class CallingRules:
    """How windows call. A ticket may be recalled `recall_limit` times; after `no_show_after_recalls`
    recalls without the citizen appearing it may be marked no-show. A ticket waiting longer than
    `max_wait_minutes` jumps the fairness rule so that no class starves. After a business closes, windows call
    its tickets for `serve_after_close_minutes` more, then nobody new (see shared/queue/closing.py)."""

    recall_limit: int = 3
    no_show_after_recalls: int = 2
    fairness: FairnessRatio = field(default_factory=FairnessRatio)
    max_wait_minutes: int = 60
    near_call_threshold: int = 3
    transfer_keeps_place: bool = True
    serve_after_close_minutes: int = 90

    def __post_init__(self) -> None:
        _positive("invalid_calling_rules", "recall_limit", self.recall_limit, 0)
        _positive("invalid_calling_rules", "no_show_after_recalls", self.no_show_after_recalls, 0)
        if self.no_show_after_recalls > self.recall_limit:
            raise InvalidConfiguration("invalid_calling_rules", "no_show_after_recalls",
                                       f"no-show after {self.no_show_after_recalls} recalls can never happen "
                                       f"with a recall limit of {self.recall_limit}")
        _positive("invalid_calling_rules", "max_wait_minutes", self.max_wait_minutes)
        _positive("invalid_calling_rules", "near_call_threshold", self.near_call_threshold, 0)
        _positive("invalid_calling_rules", "serve_after_close_minutes", self.serve_after_close_minutes, 0)

    @property
    def max_wait(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.max_wait_minutes)


@dataclass(frozen=True)
class RatingRules:
    """评价: the evaluator waits `timeout_seconds` before recording "not rated"; each 差评 opens a
    rectification due `rectification_workdays` working days later."""

    timeout_seconds: int = 60
    rectification_workdays: int = 5

    def __post_init__(self) -> None:
        _positive("invalid_rating_rules", "timeout_seconds", self.timeout_seconds)
        _positive("invalid_rating_rules", "rectification_workdays", self.rectification_workdays)

    @property
    def timeout(self) -> dt.timedelta:
        return dt.timedelta(seconds=self.timeout_seconds)


@dataclass(frozen=True)
class EstimateRules:
    """Estimated wait: the mean of the last `sample_size` service times of the business, or
    `default_service_minutes` before there is any."""

    default_service_minutes: float = 10.0
    sample_size: int = 20

    def __post_init__(self) -> None:
        if not 0 < self.default_service_minutes <= DAY_MINUTES:
            raise InvalidConfiguration("invalid_estimate_rules", "default_service_minutes",
                                       "default service time must be positive")
        _positive("invalid_estimate_rules", "sample_size", self.sample_size)


MAX_REMOTE_RADIUS_M = 5000  # 到厅取号 is for people at the hall's door, not across town


@dataclass(frozen=True)
class RemoteRules:
    """Remote 取号 from a phone near the hall: allowed only when the hall's location is set (`enabled`), within
    `radius_m` metres of (`latitude`, `longitude`) (WGS-84, what phones' geolocation reports)."""

    enabled: bool = False
    latitude: float = 0.0
    longitude: float = 0.0
    radius_m: int = 300

    def __post_init__(self) -> None:
        if not -90 <= self.latitude <= 90:
            raise InvalidConfiguration("invalid_remote_rules", "latitude", "latitude must lie in [-90, 90]")
        if not -180 <= self.longitude <= 180:
            raise InvalidConfiguration("invalid_remote_rules", "longitude", "longitude must lie in [-180, 180]")
        if not 1 <= self.radius_m <= MAX_REMOTE_RADIUS_M:
            raise InvalidConfiguration("invalid_remote_rules", "radius_m",
                                       f"radius_m must lie in [1, {MAX_REMOTE_RADIUS_M}], got {self.radius_m}")
