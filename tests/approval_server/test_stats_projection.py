"""The case statistics projection (server/approval/stats_projection) against the raw recount, on a simulated
case flow (bench.case_flow's world: counters, reviewers, heads acting through their own caches, going offline
for days and pushing late): after every few syncs, for a random period and grouping, the figures summed from
the projection equal shared.approval.statistics over every case replayed. Late commands for cases received on
old days, open cases rolling to a new day and a calendar change all make rows stale, and they are recounted."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select

from bench import case_flow
from bench.case_flow import BENCH_KEYS, Flow
from server.api.approval_worklists import raw_case_table
from server.approval import cache
from server.approval import stats_projection as projection
from server.approval.models import ApprovalCase
from server.archive import domain as archive
from shared.approval import statistics as stats
from shared.approval.events import local_day
from shared.db.models import CalendarOverride

DIMS = sorted(stats.DIMENSIONS)


def _check(flow: Flow, rng: random.Random, today: dt.date, refreshed: list) -> None:
    by = rng.sample(DIMS, rng.choice((1, 1, 2)))
    first = flow.start + dt.timedelta(days=rng.randrange(0, max(1, (today - flow.start).days)))
    last = first + dt.timedelta(days=rng.randrange(0, 40))
    period = rng.choice(((None, None), (first, None), (None, last), (first, last)))
    with flow.db.session() as s:
        ids = projection.refresh(s, flow.hall_id, today, cache.calendar(s), *period)
        received = dict(s.execute(select(ApprovalCase.id, ApprovalCase.received_on)
                                  .where(ApprovalCase.id.in_(ids))).all()) if ids else {}
        refreshed.extend(received.values())
    with flow.db.session() as s:
        got = projection.table(s, flow.hall_id, by, *period)
        want = raw_case_table(s, flow.hall_id, by, today, *period)
    assert got == want, (by, period, today)


def test_projection_equals_raw_recount_over_a_case_flow(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    for name, value in BENCH_KEYS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(case_flow, "QUIET_DAYS", 2)  # cases still open at the end
    flow = Flow(seed=28, cases=40, work=tmp_path)
    rng, syncs, refreshed = random.Random(28), [0], []
    plain_sync = flow.sync

    def sync_and_check(desk) -> None:  # noqa: ANN001
        plain_sync(desk)
        syncs[0] += 1
        if syncs[0] % 4 == 0:
            _check(flow, rng, local_day(flow.now), refreshed)

    flow.sync = sync_and_check
    try:
        flow.run()
        flow.settle()
        today = local_day(flow.now)
        # late rows: cases received days before the day they were recounted on changed after their first count
        assert sum(1 for day in refreshed if (today - day).days > 7) > 0
        for _ in range(6):
            _check(flow, rng, today, refreshed)
        # a new day: the scheduled job moves the open cases (cards, 在办) on, and replays nothing else
        with flow.db.session() as s:
            open_ids = set(s.scalars(select(projection.StatsCase.case_id).where(projection.StatsCase.is_open)))
        tomorrow = today + dt.timedelta(days=30)
        flow.now = dt.datetime.combine(tomorrow, dt.time(1), dt.timezone.utc)
        scheduler = flow.app.state.scheduler
        # Not due now: the archive job would file every finished case, rendering its notices' PDFs (nine
        # tenths of this test's CPU); it changes no figure here and is tested in
        # tests/approval_server/test_archive*.py.
        scheduler.jobs[archive.JOB].last_run = flow.now
        assert scheduler.run_due(flow.now)[projection.JOB] == len(open_ids) > 0
        with flow.db.session() as s:
            assert projection.refresh(s, flow.hall_id, tomorrow, cache.calendar(s)) == []
        _check(flow, rng, tomorrow, refreshed)
        # the calendar changes (a working day in the flow becomes a holiday): every row is counted again
        with flow.db.session() as s:
            s.add(CalendarOverride(day=flow.start + dt.timedelta(days=9), is_workday=False, notice="test"))
        for _ in range(3):
            _check(flow, rng, tomorrow, refreshed)
        # the route answers from the projection with the raw figures
        token = flow.http.post("/api/v1/auth/login", json={"username": "supervisor",
                                                           "password": "GovHall@2026"}).json()["token"]
        answer = flow.http.get("/api/v1/statistics/cases", headers={"Authorization": f"Bearer {token}"},
                               params={"by": "month,department"}).json()
        with flow.db.session() as s:
            want = raw_case_table(s, flow.hall_id, ["month", "department"], local_day(flow.now))
        assert [tuple(r["key"]) for r in answer["rows"]] == list(want)
        assert [r["received"] for r in answer["rows"]] == [c.received for c in want.values()]
        assert [r["average_cycle_days"] for r in answer["rows"]] == [c.average_cycle_days for c in want.values()]
    finally:
        flow.http.__exit__(None, None, None)
        flow.db.dispose()
