"""tests/clock.py itself: the ticking clock, and libfaketime for a child process (its date pinned, its time
advancing, its sleeps working). Under the faked-clock run (GOVHALL_FAKE_CLOCK) this process is faked too."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time

import pytest

from tests.clock import CHINA, HOSTILE, TickingClock, faked_clock_env, faketime_spec, parse_moment


def test_the_ticking_clock_starts_where_told_and_advances() -> None:
    start = dt.datetime(2026, 12, 7, 10, 0, tzinfo=CHINA)
    clock = TickingClock(start)
    first = clock()
    time.sleep(0.05)
    assert start <= first < clock() < start + dt.timedelta(seconds=5)
    clock.advance(hours=2)
    assert clock() - start >= dt.timedelta(hours=2)
    clock.jump_to(start - dt.timedelta(days=3))
    assert start - dt.timedelta(days=3) <= clock() < start - dt.timedelta(days=3) + dt.timedelta(seconds=1)
    with pytest.raises(ValueError, match="aware"):
        TickingClock(dt.datetime(2026, 12, 7, 10, 0))


def test_moments_are_read_strictly() -> None:
    assert HOSTILE.weekday() == 5 and (HOSTILE.hour, HOSTILE.minute) == (3, 40)  # a Saturday, 03:40 in China
    assert faketime_spec(HOSTILE) == "@2027-01-08 19:40:00"
    assert parse_moment("2026-10-01T15:00:00+08:00") == dt.datetime(2026, 10, 1, 15, 0, tzinfo=CHINA)
    for bad in ("2026-10-01T15:00:00", "tomorrow", ""):
        with pytest.raises(ValueError):
            parse_moment(bad)


def test_a_child_runs_on_the_faked_clock_and_can_sleep() -> None:
    script = ("import datetime as dt, time; a = dt.datetime.now(dt.timezone.utc); time.sleep(0.2); "  # noqa: wall-clock
              "b = dt.datetime.now(dt.timezone.utc); print(a.isoformat()); print(b.isoformat())")  # noqa: wall-clock
    out = subprocess.run([sys.executable, "-c", script], env=faked_clock_env(HOSTILE), capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    a, b = (dt.datetime.fromisoformat(line) for line in out.stdout.split())
    assert HOSTILE <= a < HOSTILE + dt.timedelta(seconds=30)
    assert dt.timedelta(seconds=0.15) <= b - a < dt.timedelta(seconds=10)  # faked time advances, sleeps sleep


@pytest.mark.skipif(not os.environ.get("GOVHALL_FAKE_CLOCK"), reason="only in the faked-clock run")
def test_the_faked_run_is_really_faked() -> None:
    """installers/dev.sh test --faked-clock must not silently run on the real clock."""
    wanted = os.environ["GOVHALL_FAKE_CLOCK"]
    moment = HOSTILE if wanted == "hostile" else parse_moment(wanted)
    now = dt.datetime.now(dt.timezone.utc)  # noqa: wall-clock  (the point: this process's clock is faked)
    assert moment <= now < moment + dt.timedelta(hours=6)
