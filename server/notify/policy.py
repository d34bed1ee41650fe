"""When to try an SMS again and how many one number may get: exponential backoff with "equal jitter" (half
the delay fixed, half random, so a fleet of retries after an outage does not arrive at once) and a sliding
one-hour cap per phone."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

HOUR = dt.timedelta(hours=1)


@dataclass(frozen=True)
class Policy:
    max_attempts: int = 8
    retry_base: dt.timedelta = dt.timedelta(seconds=30)
    retry_max: dt.timedelta = dt.timedelta(hours=1)
    per_phone_per_hour: int = 5
    batch: int = 200
    time_budget_s: float = 10.0   # stop a run after this long: the job's transaction holds the sender's rows

    @classmethod
    def from_settings(cls, settings) -> Policy:  # noqa: ANN001 - server.core.settings.Settings
        return cls(settings.sms_max_attempts, dt.timedelta(seconds=settings.sms_retry_base_s),
                   dt.timedelta(seconds=settings.sms_retry_max_s), settings.sms_per_phone_per_hour)


def backoff(attempts: int, policy: Policy, rng: random.Random) -> dt.timedelta:
    """The wait after the `attempts`-th failure (1, 2, …)."""
    ceiling = min(policy.retry_max, policy.retry_base * (2 ** max(attempts - 1, 0)))
    return ceiling / 2 + ceiling / 2 * rng.random()


def rate_limited_until(sent_in_last_hour: list[dt.datetime], policy: Policy) -> dt.datetime | None:
    """None when one more may go now; else when the oldest of the hour's sends leaves the window."""
    if len(sent_in_last_hour) < policy.per_phone_per_hour:
        return None
    recent = sorted(sent_in_last_hour)[-policy.per_phone_per_hour:]
    return recent[0] + HOUR
