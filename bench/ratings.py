"""`python -m bench.ratings [--ratings 100000]`: a workstation cache holding a year of ratings (one in ten a
差评, each with its rectification record, none handled yet — the worst case for the cards), and the time the
差评整改 desk takes to list the records and to work out a month's and a year's statistics. Last line:

    list=<s> month=<s> year=<s> records=<n>
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import tempfile
import time
import uuid
from pathlib import Path

from client.services.rectification import RectificationDesk
from shared.calendar import WorkCalendar
from shared.db.cache import open_cache
from shared.queue.clock import CHINA_TZ
from shared.rating.rectification import Actor, open_record
from shared.sync import store

START = dt.datetime(2026, 1, 1, 9, tzinfo=CHINA_TZ)
NOW = dt.datetime(2026, 12, 20, 10, tzinfo=CHINA_TZ)


class CacheRows:
    """The part of the sync client the desk reads: the cache's merged rows."""

    def __init__(self, engine) -> None:  # noqa: ANN001
        self.engine = engine

    def rows(self, table: str) -> dict[str, dict]:
        with self.engine.connect() as conn:
            return store.merged_rows(conn, table)


def fill(engine, count: int) -> None:  # noqa: ANN001
    rnd, calendar, changes = random.Random(1), WorkCalendar(), []
    levels = ["very_satisfied"] * 6 + ["satisfied"] * 3 + ["dissatisfied"]
    for seq in range(count):
        at = START + dt.timedelta(minutes=rnd.randrange(0, 354 * 24 * 60))
        rid, level = str(uuid.uuid4()), rnd.choice(levels)
        changes.append({"table": "queue_rating", "pk": rid, "op": "upsert", "scope": "hall:1", "seq": 2 * seq,
                        "row": {"id": rid, "level": level, "at": at.isoformat()}})
        if level == "dissatisfied":
            record = open_record(record_id=rid, hall_id=1, rating_id=rid, source="ticket", subject_id=rid,
                                 subject="A001", department_id=2, window_id=1, clerk="clerk", level=level,
                                 reason="等候时间过长", rated_at=at, workdays=5, calendar=calendar)
            changes.append({"table": "rating_rectification", "pk": rid, "op": "upsert", "scope": "hall:1",
                            "seq": 2 * seq + 1, "row": record})
    with engine.begin() as conn:
        store.apply_changes(conn, changes)


def timed(fn):  # noqa: ANN001, ANN201
    began = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.ratings")
    parser.add_argument("--ratings", type=int, default=100_000)
    args = parser.parse_args()
    engine = open_cache(Path(tempfile.mkdtemp()) / "cache.sqlite3")
    fill(engine, args.ratings)
    desk = RectificationDesk(CacheRows(engine), Actor("supervisor", frozenset({"supervisor"}), 1), WorkCalendar(),
                             lambda: NOW)
    records, listed = timed(desk.records)
    month, month_s = timed(lambda: desk.statistics(NOW.date().replace(day=1), NOW.date()))
    year, year_s = timed(lambda: desk.statistics(START.date(), NOW.date()))
    print(f"month: {month['rated']} rated, {month['bad']} 差评; year: {year['rated']} rated, {year['bad']} 差评")
    print(f"list={listed:.2f} month={month_s:.2f} year={year_s:.2f} records={len(records)}")


if __name__ == "__main__":
    main()
