"""Pinned time for tests: the suite must pass on any day and hour, so no test reads the wall clock.

- `TickingClock(start)`: a `now` callable for code that takes a clock (the server's `create_app(clock=…)`, the
  kiosk's `now=`). It starts at a fixed moment and advances with the monotonic clock, so timeouts, token
  lifetimes and "later than" checks behave as in real life while the date and hour are the test's choice.
- `faked_clock_env(at)`: the environment for a child process (server, kiosk, client started as a real program)
  whose own clock must be pinned: libfaketime preloaded, starting at `at` and advancing (the "@" form), with
  the monotonic clock left real so asyncio, uvicorn, Qt timers, hypothesis deadlines and pytest's durations
  keep working. A small shim (installers/faketime/monotonic_sleep.c, built once per machine) is preloaded first
  because libfaketime 0.9.10 breaks time.sleep() and monotonic condition waits (QThread::wait) in that mode.
- `python -m tests.clock MOMENT` prints the same variables as shell `export` lines: installers/dev.sh uses it
  to run the whole suite faked (`installers/dev.sh test --faked-clock`).
"""

from __future__ import annotations

import datetime as dt
import os
import shlex
import sys
import time
from collections.abc import Mapping

from installers import faketime
from shared.china_time import CHINA_TZ as CHINA

# A plain working day, mid-morning in China (Monday 2026-12-07): the default moment for children and benches.
WORKING_DAY_10 = dt.datetime(2026, 12, 7, 10, 0, tzinfo=CHINA)

# When test databases publish their demo reference data: before every moment a test pins.
TEMPLATE_PUBLISHED = dt.datetime(2026, 11, 1, 0, 0, tzinfo=dt.timezone.utc)

# The hostile moment CI fakes for the second run: Saturday 03:40 in China, in 2027, whose holidays the State
# Council has not published yet (the hall is closed and any deadline past today is provisional).
HOSTILE = dt.datetime(2027, 1, 9, 3, 40, tzinfo=CHINA)

FAKED_VARIABLES = ("LD_PRELOAD", "FAKETIME", "FAKETIME_DONT_FAKE_MONOTONIC", "TZ")


class TickingClock:
    """now() = start + time elapsed since construction (monotonic); `advance` jumps forward."""

    def __init__(self, start: dt.datetime) -> None:
        if start.tzinfo is None:
            raise ValueError(f"TickingClock needs an aware start time, got {start!r}")
        self.start = start
        self._origin = time.monotonic()
        self._offset = dt.timedelta()

    def __call__(self) -> dt.datetime:
        return self.start + self._offset + dt.timedelta(seconds=time.monotonic() - self._origin)

    def advance(self, **delta: float) -> None:
        self._offset += dt.timedelta(**delta)

    def jump_to(self, moment: dt.datetime) -> None:
        """Continue from `moment` (also backwards: e.g. a booking made days before the day under test)."""
        self._offset += moment - self()


def faketime_spec(at: dt.datetime) -> str:
    """FAKETIME's start-at form for an aware moment, in UTC (libfaketime reads it in the process's TZ)."""
    if at.tzinfo is None:
        raise ValueError(f"a faked clock needs an aware time, got {at!r}")
    return "@" + at.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def faked_clock_env(at: dt.datetime = WORKING_DAY_10, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """A copy of `base` (default os.environ) whose process starts at `at` and whose time then advances.

    TZ=UTC so the spec means what it says whatever the machine's zone; the product converts to China time
    itself. An LD_PRELOAD already set (e.g. the whole suite runs faked) is replaced, not stacked."""
    return faketime.preload(dict(os.environ if base is None else base), faketime_spec(at), "UTC")


def parse_moment(text: str) -> dt.datetime:
    """An ISO moment with its UTC offset ("2027-01-09T03:40:00+08:00"); a naive one is refused, not guessed."""
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"not an ISO date-time: {text!r} (e.g. 2027-01-09T03:40:00+08:00)") from None
    if moment.tzinfo is None:
        raise ValueError(f"the faked moment needs a UTC offset: {text!r} (e.g. 2027-01-09T03:40:00+08:00)")
    return moment


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] in ("-h", "--help"):
        print("usage: python -m tests.clock MOMENT|hostile  -> shell exports that fake the clock from MOMENT on",
              file=sys.stderr)
        return 2
    try:
        moment = HOSTILE if argv[0] == "hostile" else parse_moment(argv[0])
        env = faked_clock_env(moment, base={})
    except (ValueError, OSError, RuntimeError) as error:
        print(f"tests.clock: {error}", file=sys.stderr)
        return 1
    for name in FAKED_VARIABLES:
        print(f"export {name}={shlex.quote(env[name])}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
