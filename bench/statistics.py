"""Statistics at a year's scale: `python -m bench.statistics [--tickets 200000 --cases 50000 --xlsx-rows 100000]`.

- queue: a workstation cache holding a year of `queue_ticket` rows (and a rating for most finished tickets),
  as sync would have stored them; the time of the background refresh that follows the pull (every day's
  shared/queue/projection facts computed and stored through the one writer), then the 统计分析 screen's queue
  view of the whole year grouped by business — first open (a new screen: the stored facts read), then a later
  open — and its ratings view by window.
- cases: a server database holding `--cases` cases, made by cloning the cases (and their events) of a real
  bench.case_flow run spread over the year; the time for GET /api/v1/statistics/cases over the year
  by month and by department (the server replays every case: the figure the screen waits for online).
- xlsx: writing `--xlsx-rows` statistics lines to a formatted workbook (client/services/xlsx_export).

The case statistics are answered from the server's projection (server/approval/stats_projection): the first
open builds it (cases_first_open), later opens read it (cases_year_month, cases_year_department); `--raw` also
times the raw recount (every case replayed, the route's old path).

Ends with one line: queue_year_refresh=<s> queue_year_first=<s> queue_year=<s> ratings_year=<s> cases_first_open=<s> cases_year_month=<s>
cases_year_department=<s> cases_raw_month=<s> xlsx=<s>
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import insert, select

from bench.case_flow import BENCH_KEYS, Flow
from client.services.hall_figures import HallFigures
from client.services.reference import Reference
from client.services.rowsql import RowSql
from client.services.stat_tables import StatTable, queue_table, rating_table
from client.services.xlsx_export import write_xlsx
from shared.db.cache import open_cache
from shared.queue.clock import CHINA_TZ, to_ms
from shared.queue.statistics import GroupBy
from shared.queue.tickets import TicketState
from shared.sync.tables import confirmed

YEAR = 2026
LEVELS = ("very_satisfied", "satisfied", "satisfied", "basically_satisfied", "dissatisfied", None)
OUTCOMES = (TicketState.FINISHED.value, TicketState.NO_SHOW.value, TicketState.CANCELLED.value)  # how a day's tickets end


def _utc(when: dt.datetime) -> str:
    return when.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")


def working_days(year: int) -> list[dt.date]:
    day, out = dt.date(year, 1, 1), []
    while day.year == year:
        if day.weekday() < 5:
            out.append(day)
        day += dt.timedelta(days=1)
    return out


def ticket_rows(n: int, rng: random.Random) -> tuple[list[dict], list[dict]]:
    days = working_days(YEAR)
    tickets, ratings = [], []
    for i in range(n):
        day = days[i * len(days) // n]
        issued = dt.datetime.combine(day, dt.time(8, 45), CHINA_TZ) + dt.timedelta(seconds=rng.randint(0, 8 * 3600))
        called = issued + dt.timedelta(seconds=rng.randint(30, 3600))
        business, window = rng.randint(1, 6), rng.randint(1, 10)
        stamp = [to_ms(issued), 0, "kiosk-1", i]
        state = rng.choices(OUTCOMES, (90, 7, 3))[0]
        periods = [{"kind": "waiting", "start": _utc(issued), "end": _utc(called), "window_id": None}]
        if state != "cancelled":
            start = called + dt.timedelta(seconds=rng.randint(10, 90))
            periods.append({"kind": "called", "start": _utc(called), "end": _utc(start), "window_id": window})
            if state == "finished":
                end = start + dt.timedelta(seconds=rng.randint(60, 1200))
                periods.append({"kind": "serving", "start": _utc(start), "end": _utc(end), "window_id": window})
        row = {"id": str(uuid.UUID(int=rng.getrandbits(128))), "hall_id": 1, "business_id": business,
               "display": f"{'ABCDEF'[business - 1]}{i % 1000:03d}", "day": day.isoformat(), "channel": "dispenser",
               "priority_class": 3, "green_reason": None, "issued_at": stamp, "queue_key": stamp, "state": state,
               "window_id": window if state != "cancelled" else None, "clerk": f"clerk{window}",
               "recalls": 0, "transfers": 0, "periods": periods, "print_state": "printed", "flags": []}
        tickets.append(row)
        if state == "finished" and rng.random() < 0.8:
            level = rng.choice(LEVELS)
            ratings.append({"id": str(uuid.UUID(int=rng.getrandbits(128))), "hall_id": 1, "ticket_id": row["id"],
                            "window_id": window, "clerk": f"clerk{window}", "level": level,
                            "reason": "等候太久" if level == "dissatisfied" else "",
                            "at": periods[-1]["end"]})
    return tickets, ratings


def fill_cache(path: Path, tickets: list[dict], ratings: list[dict]):  # noqa: ANN201
    engine = open_cache(path)
    with engine.begin() as conn:
        for table, rows in (("queue_ticket", tickets), ("queue_rating", ratings)):
            for start in range(0, len(rows), 5000):
                conn.execute(insert(confirmed), [{"tbl": table, "pk": r["id"], "scope": "hall:1", "seq": 1,
                                                  "row": r} for r in rows[start:start + 5000]])
    return engine


def queue_figures(engine, tickets: int) -> tuple[float, float, float, float, StatTable]:  # noqa: ANN001
    """As a workstation: the sync has filled the cache; the background refresh after that pull stores every
    day's facts through the one writer (a single-worker pool, as ops.write); then 统计分析 opens (a screen of its
    own, as after a restart: nothing in memory) and opens again."""
    from concurrent.futures import ThreadPoolExecutor
    reference = Reference(1, "大厅", businesses={b: ("ABCDEF"[b - 1], f"业务{b}") for b in range(1, 7)})
    clock = lambda: dt.datetime(YEAR, 12, 31, 18, tzinfo=CHINA_TZ)  # noqa: E731
    first, last = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)
    with ThreadPoolExecutor(1) as writer, ThreadPoolExecutor(1) as pool:
        def write(fn):  # noqa: ANN001, ANN202
            writer.submit(fn)
        background = HallFigures(RowSql(engine), reference, clock, write=write)
        started = time.perf_counter()
        pool.submit(background.projection.refresh).result()   # what ProjectionRefresher runs after the pull
        refresh_s = time.perf_counter() - started
        assert len(background.projection.recomputed) == len(working_days(YEAR))
        figures = HallFigures(RowSql(engine), reference, clock, write=write)
        started = time.perf_counter()
        table = queue_table(figures.queue_report(first, last, GroupBy.BUSINESS), GroupBy.BUSINESS,
                            lambda by, key: reference.business_name(int(key)))
        first_s = time.perf_counter() - started   # the first open after the sync: stored days read
        assert table.total[1] == tickets, (table.total, tickets)
        assert figures.projection.recomputed == [], figures.projection.recomputed
        started = time.perf_counter()
        table = queue_table(figures.queue_report(first, last, GroupBy.BUSINESS), GroupBy.BUSINESS,
                            lambda by, key: reference.business_name(int(key)))
        queue_s = time.perf_counter() - started   # later opens
        assert table.total[1] == tickets and figures.projection.recomputed == []
        started = time.perf_counter()
        rating_table(figures.queue_report(first, last, GroupBy.WINDOW), GroupBy.WINDOW, lambda by, key: key)
        ratings_s = time.perf_counter() - started
        # a later pull brings one late offline ticket of an old day: the background refresh recomputes that day
        with engine.connect() as conn:
            row, top = conn.execute(select(confirmed.c.row).where(confirmed.c.tbl == "queue_ticket").limit(1)).scalar(), \
                conn.execute(select(confirmed.c.seq).order_by(confirmed.c.seq.desc()).limit(1)).scalar()
        late = {**row, "id": str(uuid.uuid4()), "display": "K001"}
        with engine.begin() as conn:
            conn.execute(insert(confirmed), [{"tbl": "queue_ticket", "pk": late["id"], "scope": "hall:1",
                                              "seq": top + 1, "row": late}])
        started = time.perf_counter()
        pool.submit(background.projection.refresh).result()
        print(f"background refresh after a pull of one late ticket: {time.perf_counter() - started:.2f} s "
              f"(days recomputed: {background.projection.recomputed}, every day checked: "
              f"{background.projection.scanned_all})", flush=True)
        return refresh_s, first_s, queue_s, ratings_s, table


def case_figures(work: Path, cases: int, seed: int, raw: bool = False) -> tuple[dict[str, float], int]:
    from server.approval.models import ApprovalCase, ApprovalEvent
    flow = Flow(seed, 150, work, start=dt.date(YEAR, 3, 2))
    try:
        flow.run()
        flow.settle()
        with flow.db.session() as s:
            base = [{c.key: getattr(row, c.key) for c in ApprovalCase.__table__.columns}
                    for row in s.scalars(select(ApprovalCase))]
            events: dict[str, list[dict]] = {}
            for row in s.scalars(select(ApprovalEvent)):
                events.setdefault(row.case_id, []).append(
                    {c.key: getattr(row, c.key) for c in ApprovalEvent.__table__.columns})
        copies = cases - len(base)
        print(f"case flow: {len(base)} cases, {sum(map(len, events.values()))} events; cloning to {cases}", flush=True)
        made = 0
        with flow.db.session() as s:
            while made < copies:
                new_cases, new_events = [], []
                for case in base:
                    if made >= copies:
                        break
                    new_id = str(uuid.uuid4())
                    new_cases.append({**case, "id": new_id, "case_number": f"C{made:09d}"})
                    for e in events.get(case["id"], []):
                        body = {**e["body"], "case_id": new_id, "event_id": str(uuid.uuid4())}
                        new_events.append({**e, "event_id": body["event_id"], "case_id": new_id, "body": body})
                    made += 1
                s.execute(insert(ApprovalCase.__table__), new_cases)
                s.execute(insert(ApprovalEvent.__table__), new_events)
            s.commit()
        token = flow.http.post("/api/v1/auth/login", json={"username": "supervisor",
                                                           "password": "GovHall@2026"}).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        times = {}
        # first open (the projection built for every case), then later opens (nothing stale)
        for label, by in (("first_month", "month"), ("department", "department"), ("month", "month")):
            started = time.perf_counter()
            answer = flow.http.get("/api/v1/statistics/cases", headers=headers,
                                   params={"by": by, "received_from": f"{YEAR}-01-01", "received_to": f"{YEAR}-12-31"})
            times[label] = time.perf_counter() - started
            assert answer.status_code == 200, answer.text
            total = answer.json()["total"]["received"]
        if raw:  # the reference path (every case replayed), what the route did before the projection
            from server.api.approval_worklists import raw_case_table
            from shared.approval.events import local_day
            started = time.perf_counter()
            with flow.db.session() as s:
                raw_case_table(s, flow.hall_id, ["month"], local_day(flow.now), dt.date(YEAR, 1, 1),
                               dt.date(YEAR, 12, 31))
            times["raw_month"] = time.perf_counter() - started
        return times, total
    finally:
        flow.http.__exit__(None, None, None)
        flow.db.dispose()


def xlsx_time(rows: int, path: Path) -> float:
    table = StatTable("排队统计", ("分组", "取号", "办结", "过号", "闭厅未办", "取消", "平均等候（分）", "P90等候（分）",
                                "平均办理（分）", "P90办理（分）"),
                      [(f"第{i}组", i, i - 1, 3, 0, 1, 12.5, 30.1, 8.2, 15.0) for i in range(rows)],
                      [(str(i),) for i in range(rows)], ("合计", rows, rows, 0, 0, 0, 1.0, 1.0, 1.0, 1.0),
                      filters="bench")
    started = time.perf_counter()
    write_xlsx(table, path)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=200_000)
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--xlsx-rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--parts", default="queue,xlsx,cases", help="comma-separated: queue, xlsx, cases")
    parser.add_argument("--raw", action="store_true", help="also time the raw recount of the cases (minutes)")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    for name, value in BENCH_KEYS.items():
        os.environ.setdefault(name, value)
    parts = set(args.parts.split(","))
    refresh_s = queue_first_s = queue_s = ratings_s = xlsx_s = float("nan")
    with tempfile.TemporaryDirectory(prefix="govhall-statistics-") as tmp:
        work = Path(tmp)
        if "queue" in parts:
            tickets, ratings = ticket_rows(args.tickets, rng)
            engine = fill_cache(work / "cache.sqlite3", tickets, ratings)
            print(f"cache: {len(tickets)} tickets, {len(ratings)} ratings of {YEAR}", flush=True)
            refresh_s, queue_first_s, queue_s, ratings_s, _ = queue_figures(engine, len(tickets))
            print(f"queue statistics of the year by business: background build after the sync {refresh_s:.2f} s; "
                  f"first open {queue_first_s:.2f} s, then {queue_s:.2f} s; ratings by window: {ratings_s:.2f} s",
                  flush=True)
            engine.dispose()
        if "xlsx" in parts:
            xlsx_s = xlsx_time(args.xlsx_rows, work / "bench.xlsx")
            size = (work / "bench.xlsx").stat().st_size
            print(f"xlsx: {args.xlsx_rows} rows in {xlsx_s:.2f} s ({size / 1e6:.1f} MB)", flush=True)
        times = dict.fromkeys(("first_month", "department", "month", "raw_month"), float("nan"))
        if "cases" in parts:
            (work / "flow").mkdir()
            found, total = case_figures(work / "flow", args.cases, args.seed, args.raw)
            times.update(found)
            print(f"case statistics over {total} cases: first open by month (projection built) "
                  f"{times['first_month']:.2f} s, then by department {times['department']:.2f} s, by month again "
                  f"{times['month']:.2f} s; raw recount by month {times['raw_month']:.2f} s", flush=True)
    print(f"queue_year_refresh={refresh_s:.2f} queue_year_first={queue_first_s:.2f} queue_year={queue_s:.2f} ratings_year={ratings_s:.2f} "
          f"cases_first_open={times['first_month']:.2f} "
          f"cases_year_month={times['month']:.2f} cases_year_department={times['department']:.2f} "
          f"cases_raw_month={times['raw_month']:.2f} xlsx={xlsx_s:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
