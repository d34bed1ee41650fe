"""The simulated day of a benchmark: an argument, defaulting to a fixed working day, never the wall clock —
a figure must not change (or a run fail) because it was taken on a Saturday night or a holiday."""

from __future__ import annotations

import argparse
import datetime as dt

from shared.china_time import CHINA_TZ as CHINA
WORKING_DAY = dt.date(2026, 12, 7)  # a Monday with no holiday around it


def parse_day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def add_day_argument(parser: argparse.ArgumentParser, default: dt.date = WORKING_DAY,
                     what: str = "the simulated day") -> None:
    parser.add_argument("--day", type=parse_day, default=default, metavar="YYYY-MM-DD",
                        help=f"{what} (default {default.isoformat()}, a working day)")


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """A moment of `day` in China time."""
    return dt.datetime.combine(day, dt.time(hour, minute), CHINA)
