"""A hall clock that starts at a chosen instant and runs at real speed: demos, training and benchmarks that
must behave the same whatever the day and hour they are run (a Monday morning at 10:00, say, at midnight).

Processes sharing one simulated time pass the same start and `anchor` (the real Unix time at which the
simulated time was `start`); the wall clock is then read only for elapsed seconds, never as a date."""

from __future__ import annotations

import datetime as dt
import time


class SimulatedClock:
    def __init__(self, start: dt.datetime, anchor: float | None = None) -> None:
        if start.tzinfo is None:
            raise ValueError(f"a simulated start needs its UTC offset: {start.isoformat()}")
        self.start = start
        self.anchor = time.time() if anchor is None else anchor

    def __call__(self) -> dt.datetime:
        return self.start + dt.timedelta(seconds=time.time() - self.anchor)

    def wall_ms(self) -> int:
        """For a device's hybrid logical clock: milliseconds since the epoch, in simulated time."""
        return int(self().timestamp() * 1000)

    def to_text(self) -> str:
        """`<start ISO>@<anchor>`: what another process passes to `parse` to share this clock."""
        return f"{self.start.isoformat()}@{self.anchor!r}"


def parse(text: str, default_tz: dt.tzinfo) -> SimulatedClock:
    """`2026-11-23T10:00` (in `default_tz` unless it has an offset), optionally `@<anchor Unix time>`."""
    when, _, anchor = text.partition("@")
    try:
        start = dt.datetime.fromisoformat(when.strip())
        real = float(anchor) if anchor else None
    except ValueError:
        raise ValueError(f"not a simulated time: {text!r} (e.g. 2026-11-23T10:00 or "
                         f"2026-11-23T10:00+08:00@1795399200.0)") from None
    return SimulatedClock(start if start.tzinfo else start.replace(tzinfo=default_tz), real)
