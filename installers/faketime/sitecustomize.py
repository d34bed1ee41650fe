"""Loaded (through PYTHONPATH) only by processes the demo starts under libfaketime with a pinned clock.

libfaketime 0.9.10 (Debian 12) and Python 3.11 disagree: with FAKETIME_DONT_FAKE_MONOTONIC=1 every
`time.sleep` fails with EINVAL (Python sleeps with clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME), which the
library mistranslates); with the monotonic clock faked too, every `threading.Event.wait` hangs instead. So the
monotonic clock stays real and sleeping goes through a condition wait, which works."""

import threading
import time

_real_sleep = time.sleep


def _sleep(seconds: float) -> None:
    if seconds < 0:
        raise ValueError("sleep length must be non-negative")
    threading.Event().wait(seconds)


try:
    _real_sleep(0.001)
except OSError:
    time.sleep = _sleep
