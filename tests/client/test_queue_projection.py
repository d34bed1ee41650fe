"""The workstation's per-day queue statistics projection against a raw recount of its cache: the stored facts of
every day are reused until a row of that day changes — a late offline push of an old day's ticket, a rating
arriving days after the visit, a ticket of today moving on, an unsent command's optimistic row — and then only
that day is recomputed; the figures always equal the recount (percentiles within half a bucket)."""

from __future__ import annotations

import copy
import datetime as dt
import random
import uuid

from sqlalchemy import insert, text, update

from bench.statistics import fill_cache, ticket_rows
from client.services.hall_figures import HallFigures
from client.services.reference import Reference
from client.services.rowsql import RowSql
from shared.protocol.queue_rows import rating_of, ticket_of
from shared.queue import report
from shared.queue.clock import CHINA_TZ
from shared.queue.closing import CLOSED_UNSERVED
from shared.queue.statistics import GroupBy
from shared.sync.tables import confirmed, outbox, pending
from tests.queue.test_stats_projection import assert_matches

FIRST, LAST = dt.date(2026, 1, 1), dt.date(2026, 12, 31)


def recount(sql: RowSql, by: GroupBy) -> dict:
    """shared/queue/report over every merged ticket and rating row of the cache (no projection involved)."""
    rows = sql.rows("queue_ticket")
    tickets = {r["id"]: ticket_of(r, CHINA_TZ) for r in rows}
    ratings = [rating_of(r, tickets[r["ticket_id"]], CHINA_TZ) for r in sql.rows("queue_rating")
               if r["ticket_id"] in tickets]
    unserved = frozenset(r["id"] for r in rows if CLOSED_UNSERVED in (r.get("flags") or ()))
    return report.report(list(tickets.values()), [r for r in ratings if r is not None], unserved, by)


def figures_of(engine) -> HallFigures:  # noqa: ANN001
    reference = Reference(1, "大厅", businesses={b: ("ABCDEF"[b - 1], f"业务{b}") for b in range(1, 7)})
    return HallFigures(RowSql(engine), reference, lambda: dt.datetime(2026, 12, 31, 18, tzinfo=CHINA_TZ))


def check(figures: HallFigures) -> None:
    for by in (GroupBy.DAY, GroupBy.BUSINESS, GroupBy.WINDOW, GroupBy.HOUR):
        answer = figures.queue_report(FIRST, LAST, by)
        assert_matches({k: answer[k] for k in ("totals", "groups")}, recount(figures.sql, by))


def test_stored_days_are_reused_and_only_the_days_a_change_touches_are_recomputed(tmp_path) -> None:  # noqa: ANN001
    rng = random.Random(5)
    tickets, ratings = ticket_rows(1500, rng)
    engine = fill_cache(tmp_path / "cache.sqlite3", tickets, ratings)
    figures = figures_of(engine)
    projection = figures.projection
    days = sorted({t["day"] for t in tickets})
    check(figures)
    assert projection.recomputed == []  # the first of check's four queries stored every day
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM stats_queue_day")).scalar() == len(days)
    figures.queue_report(FIRST, LAST, GroupBy.BUSINESS)
    assert projection.recomputed == []

    # a late offline push: a dispenser offline since March sends an old day's ticket
    old = copy.deepcopy(next(t for t in tickets if t["day"] == days[40] and t["state"] == "finished"))
    old.update(id=str(uuid.uuid4()), display="A-K2-001")
    with engine.begin() as conn:
        conn.execute(insert(confirmed), [{"tbl": "queue_ticket", "pk": old["id"], "scope": "hall:1", "seq": 50,
                                          "row": old}])
    figures.queue_report(FIRST, LAST, GroupBy.DAY)
    assert projection.recomputed == [days[40]]
    check(figures)

    # a rating for a visit of days[10], pushed by an evaluator back online two weeks later
    visit = next(t for t in tickets if t["day"] == days[10] and t["state"] == "finished"
                 and not any(r["ticket_id"] == t["id"] for r in ratings))
    late = {"id": str(uuid.uuid4()), "hall_id": 1, "ticket_id": visit["id"], "window_id": visit["window_id"],
            "clerk": visit["clerk"], "level": "very_dissatisfied", "reason": "态度差",
            "at": (dt.date.fromisoformat(days[10]) + dt.timedelta(days=14)).isoformat() + "T02:00:00Z"}
    with engine.begin() as conn:
        conn.execute(insert(confirmed), [{"tbl": "queue_rating", "pk": late["id"], "scope": "hall:1", "seq": 51,
                                          "row": late}])
    before = figures.queue_report(FIRST, LAST, GroupBy.BUSINESS)["totals"]["bad_ratings"]
    assert projection.recomputed == [days[10]]
    check(figures)
    assert before == recount(figures.sql, GroupBy.BUSINESS)["totals"]["bad_ratings"]

    # the day moves on: a ticket of the last day, still waiting when the figures were stored, is served
    today = days[-1]
    moving = next(t for t in tickets if t["day"] == today and t["state"] == "finished")
    waiting = {**moving, "state": "waiting", "window_id": None, "periods": [{**moving["periods"][0], "end": None}]}
    with engine.begin() as conn:
        conn.execute(update(confirmed).where(confirmed.c.pk == moving["id"]).values(seq=52, row=waiting))
    served_before = figures.queue_report(FIRST, LAST, GroupBy.DAY)["groups"][today]["service"]["count"]
    assert projection.recomputed == [today]
    with engine.begin() as conn:
        conn.execute(update(confirmed).where(confirmed.c.pk == moving["id"]).values(seq=53, row=moving))
    assert figures.queue_report(FIRST, LAST, GroupBy.DAY)["groups"][today]["service"]["count"] == served_before + 1
    assert projection.recomputed == [today]
    check(figures)

    # an unsent command's optimistic row counts (the merged view), then its confirmation replaces it
    mine = {**copy.deepcopy(old), "id": str(uuid.uuid4()), "day": days[3], "display": "A-K9-001"}
    mine["issued_at"] = mine["queue_key"] = [mine["issued_at"][0], 0, "kiosk-9", 1]
    with engine.begin() as conn:
        conn.execute(insert(outbox), [{"seq": 1, "command_id": "c1", "name": "issue_ticket", "version": 1,
                                       "args": {}, "hlc": "0", "status": "pending"}])
        conn.execute(insert(pending), [{"command_id": "c1", "tbl": "queue_ticket", "pk": mine["id"], "row": mine}])
    figures.queue_report(FIRST, LAST, GroupBy.DAY)
    assert projection.recomputed == [days[3]]
    check(figures)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM sync_pending"))
        conn.execute(text("DELETE FROM sync_outbox"))
        conn.execute(insert(confirmed), [{"tbl": "queue_ticket", "pk": mine["id"], "scope": "hall:1", "seq": 54,
                                          "row": mine}])
    figures.queue_report(FIRST, LAST, GroupBy.DAY)
    assert projection.recomputed == [days[3]]  # confirmed: the same figures, recomputed once
    check(figures)
    figures.queue_report(FIRST, LAST, GroupBy.WINDOW)
    assert projection.recomputed == []


class FakeSync:
    """SyncClient.on_pulled as the sync thread calls it after a pull that applied changes."""

    def __init__(self) -> None:
        self.listeners = []

    def on_pulled(self, listener) -> None:  # noqa: ANN001
        self.listeners.append(listener)

    def pulled(self, changes: int) -> None:
        for listener in self.listeners:
            listener(changes)


def test_the_background_refresh_after_a_pull_stores_the_changed_days_through_the_one_writer(tmp_path) -> None:  # noqa: ANN001
    """The refresh runs on a background pool after each pull that changed rows and stores through the single
    writer (a one-worker pool, as ops.write); a screen opened afterwards reads the stored days and computes
    nothing. A later pull is handled from the rows it brought (no check of every day) — except a deletion from
    a day nothing else touched, which the row counts reveal."""
    from concurrent.futures import ThreadPoolExecutor
    import threading

    from sqlalchemy import event

    rng = random.Random(9)
    tickets, ratings = ticket_rows(1200, rng)
    engine = fill_cache(tmp_path / "cache.sqlite3", tickets, ratings)
    days = sorted({t["day"] for t in tickets})
    writers: set[str] = set()

    @event.listens_for(engine, "before_cursor_execute")
    def _seen(conn, cursor, statement, *args) -> None:  # noqa: ANN001
        if "stats_queue_" in statement and not statement.lstrip().upper().startswith("SELECT"):
            writers.add(threading.current_thread().name)

    sync = FakeSync()
    with ThreadPoolExecutor(1, thread_name_prefix="writer") as writer, \
            ThreadPoolExecutor(2, thread_name_prefix="pool") as pool:
        running = []

        def run(fn) -> None:  # noqa: ANN001
            running.append(pool.submit(fn))

        def settle() -> None:
            while running:
                running.pop(0).result()

        background = figures_of(engine)
        background.projection.write = lambda fn: writer.submit(fn)
        refresher = background.keep_fresh(sync, run)
        settle()
        assert background.projection.recomputed == days and background.projection.scanned_all
        assert writers == {"writer_0"}

        screen = figures_of(engine)  # a screen opened later (or after a restart): reads what is stored
        check(screen)
        assert screen.projection.recomputed == []

        # a pull brings a late offline ticket of an old day and a late rating of another
        old = copy.deepcopy(next(t for t in tickets if t["day"] == days[20] and t["state"] == "finished"))
        old.update(id=str(uuid.uuid4()), display="A-K2-002")
        visit = next(t for t in tickets if t["day"] == days[7] and t["state"] == "finished"
                     and not any(r["ticket_id"] == t["id"] for r in ratings))
        late = {"id": str(uuid.uuid4()), "hall_id": 1, "ticket_id": visit["id"], "window_id": visit["window_id"],
                "clerk": visit["clerk"], "level": "dissatisfied", "reason": "等候太久",
                "at": (dt.date.fromisoformat(days[7]) + dt.timedelta(days=9)).isoformat() + "T02:00:00Z"}
        with engine.begin() as conn:
            conn.execute(insert(confirmed), [
                {"tbl": "queue_ticket", "pk": old["id"], "scope": "hall:1", "seq": 60, "row": old},
                {"tbl": "queue_rating", "pk": late["id"], "scope": "hall:1", "seq": 61, "row": late}])
        sync.pulled(2)
        settle()
        assert background.projection.recomputed == sorted([days[7], days[20]])
        assert not background.projection.scanned_all
        check(screen)
        assert screen.projection.recomputed == []

        # the late 差评 voided on appeal (its record pulled) leaves the figures: only its day is recomputed;
        # a case rating's record, of no day, recomputes nothing and needs no check of every day
        bad = screen.queue_report(FIRST, LAST, GroupBy.BUSINESS)["totals"]["bad_ratings"]
        record = {"id": late["id"], "rating_id": late["id"], "source": "ticket", "subject_id": visit["id"],
                  "status": "voided", "version": 3}
        case_record = {"id": str(uuid.uuid4()), "rating_id": "r-case", "source": "case", "subject_id": "c-1",
                       "status": "open", "version": 1}
        with engine.begin() as conn:
            conn.execute(insert(confirmed), [
                {"tbl": "rating_rectification", "pk": record["id"], "scope": "hall:1", "seq": 62, "row": record},
                {"tbl": "rating_rectification", "pk": case_record["id"], "scope": "hall:1", "seq": 63,
                 "row": case_record}])
        sync.pulled(2)
        settle()
        assert background.projection.recomputed == [days[7]] and not background.projection.scanned_all
        assert screen.queue_report(FIRST, LAST, GroupBy.BUSINESS)["totals"]["bad_ratings"] == bad - 1
        assert screen.projection.recomputed == []
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM sync_confirmed WHERE tbl = 'rating_rectification'"))
        sync.pulled(1)
        settle()
        assert background.projection.recomputed == [days[7]]
        check(screen)

        # a pull that changed nothing of the queue leaves the store alone
        sync.pulled(0)
        assert not running and refresher.refreshes == 4

        # a ticket deleted from a day nothing else touched (a scope replaced): the counts reveal it
        gone = next(t for t in tickets if t["day"] == days[30])
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM sync_confirmed WHERE tbl = 'queue_ticket' AND pk = :pk"), {"pk": gone["id"]})
        sync.pulled(1)
        settle()
        assert background.projection.recomputed == [days[30]] and background.projection.scanned_all
        check(screen)
        assert screen.projection.recomputed == []
    assert writers == {"writer_0"}


def test_the_dashboards_bad_ratings_today_count_case_ratings_less_those_voided(tmp_path) -> None:  # noqa: ANN001
    """差评 today on the dashboard: the visits' and the cases' (一事一评), recorded today in hall-local time, less
    the ones voided on appeal."""
    engine = fill_cache(tmp_path / "cache.sqlite3", [], [])
    figures = figures_of(engine)  # 2026-12-31 18:00
    rated = [("c1", "very_dissatisfied", "2026-12-31T09:00:00+08:00"),
             ("c2", "satisfied", "2026-12-31T10:00:00+08:00"),
             ("c3", "dissatisfied", "2026-12-30T17:00:00Z"),        # 01:00 on the 31st, hall-local
             ("c4", "dissatisfied", "2026-12-30T15:00:00Z"),        # 23:00 on the 30th
             ("c5", "dissatisfied", "2026-12-31T11:00:00+08:00")]   # voided on appeal
    with engine.begin() as conn:
        conn.execute(insert(confirmed), [
            {"tbl": "case_rating", "pk": pk, "scope": "hall:1", "seq": 70 + n,
             "row": {"id": pk, "hall_id": 1, "case_id": f"case-{pk}", "level": level, "reason": "x", "at": at,
                     "by": "clerk"}} for n, (pk, level, at) in enumerate(rated)])
        conn.execute(insert(confirmed), [{"tbl": "rating_rectification", "pk": "c5", "scope": "hall:1", "seq": 80,
                                          "row": {"id": "c5", "rating_id": "c5", "source": "case",
                                                  "subject_id": "case-c5", "status": "voided"}}])
    assert figures.dashboard().bad_today == 2
