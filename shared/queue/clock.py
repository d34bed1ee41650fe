"""Time as the queue sees it: hybrid-logical-clock issue times and aware wall-clock datetimes.

No function here reads the system clock: `now` is always passed in, so the server, an offline counter and a
simulation reach the same decisions from the same inputs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from shared.china_time import CHINA_TZ  # noqa: F401 - the queue's modules take hall-local time from here


@dataclass(frozen=True, order=True)
class IssueTime:
    """A hybrid-logical-clock stamp: (physical ms, logical counter, device id, device seq).

    Tuple order is the queue order inside a priority class; the printed number never takes part, because
    numbers from different devices' leases say nothing about who came first.
    """

    physical_ms: int
    logical: int = 0
    device_id: str = ""
    device_seq: int = 0

    def __post_init__(self) -> None:
        if self.physical_ms < 0 or self.logical < 0 or self.device_seq < 0:
            raise ValueError(f"issue time parts must not be negative: {self}")

    @classmethod
    def at(cls, when: dt.datetime, logical: int = 0, device_id: str = "", device_seq: int = 0) -> IssueTime:
        return cls(to_ms(when), logical, device_id, device_seq)

    def as_tuple(self) -> tuple[int, int, str, int]:
        return (self.physical_ms, self.logical, self.device_id, self.device_seq)


def require_aware(when: dt.datetime, name: str = "time") -> dt.datetime:
    """Naive datetimes are refused: their meaning depends on the machine's time zone."""
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {when!r}")
    return when


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def to_ms(when: dt.datetime) -> int:
    """Milliseconds since the Unix epoch, computed exactly (no float rounding)."""
    require_aware(when)
    return (when - _EPOCH) // dt.timedelta(milliseconds=1)


def waited(since: IssueTime, now: dt.datetime) -> dt.timedelta:
    """How long a ticket has stood in line since `since` (never negative: clocks of devices drift)."""
    return dt.timedelta(milliseconds=max(0, to_ms(now) - since.physical_ms))
