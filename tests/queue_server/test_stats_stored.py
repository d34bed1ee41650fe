"""The queue statistics projection stored on the server (server/queue/stats_store): what the statistics API
answers from stored days equals a raw recount of the server's tickets and ratings, and equals what a
supervisor's workstation shows from its own stored projection after a sync — also when a dispenser that was
offline pushes its earlier tickets late, when an evaluator's rating arrives after the figures were stored,
and when a 差评 is voided on appeal after that (it leaves the three alike: shared/rating/voiding), and only
the day those touch is computed again."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from client.services.hall_figures import HallFigures
from client.services.reference import Reference
from client.services.rowsql import RowSql
from server.queue import stats_store
from server.queue.models import StatsQueueCursor as QueueStatsCursor, StatsQueueDay
from server.queue.statistics import raw_statistics
from shared.db.cache import open_cache
from shared.queue.clock import CHINA_TZ
from shared.queue.statistics import GroupBy
from shared.sync.client import SyncClient
from tests.fixtures.server import login
from tests.queue_server.support import DAY
from tests.queue_server.test_rectification_loop import act
from tests.sync.test_client_loop import AppTransport


def _figures(body: dict) -> dict:
    return {"totals": body["totals"], "groups": body["groups"]}


def test_stored_projection_equals_the_raw_recount_and_the_workstation(qhall, tmp_path) -> None:  # noqa: ANN001
    kiosk, w2, evaluator = qhall.device("dispenser"), qhall.device("workstation", 2), qhall.device("evaluator", 2)
    desk = qhall.device("workstation", 3, staff="supervisor")
    cache = open_cache(tmp_path / "supervisor.sqlite3", immediate=True)
    sync = SyncClient(cache, device_id=desk.id, token=desk.token, transport=AppTransport(qhall.client),
                      staff_token=desk.staff)
    figures = HallFigures(RowSql(cache), Reference(qhall.hall_id, "大厅"),
                          lambda: qhall.clock().astimezone(CHINA_TZ))
    url = f"/api/v1/queue/halls/{qhall.hall_id}/statistics"
    sup = login(qhall.client, "supervisor")

    def serve(ticket: str, start: float, minutes: float, level: str | None = None, reason: str = "") -> None:
        for done in (qhall.call(w2, ticket, start), qhall.act(w2, "queue.start", ticket, start + 0.5),
                     qhall.act(w2, "queue.finish", ticket, start + minutes)):
            assert done["status"] == "accepted", done
        if level is not None:
            rated = qhall.push(evaluator, "queue.rate", {
                "rating_id": str(uuid.uuid4()), "ticket_id": ticket, "window_id": w2.window_id, "clerk": "clerk",
                "level": level, "reason": reason, "at": qhall.at(start + minutes + 0.2)})
            assert rated["status"] == "accepted", rated

    def agree() -> None:
        sync.sync_once()
        for by in GroupBy:
            api = qhall.client.get(url, params={"day": DAY.isoformat(), "by": by.value}, headers=sup)
            assert api.status_code == 200, api.text
            with qhall.db.session() as s:
                raw = raw_statistics(s, qhall.hall_id, DAY, DAY, by)
            workstation = figures.queue_report(DAY, DAY, by)
            assert _figures(api.json()) == _figures(raw) == _figures(workstation), by

    tickets = [qhall.issue(kiosk, prefix, minutes=m)[0] for m, prefix in ((0, "A"), (1, "A"), (2, "A"), (3, "B"))]
    serve(tickets[0], 6, 9, "very_satisfied")
    serve(tickets[1], 16, 4.3)
    assert qhall.call(w2, tickets[2], 21)["status"] == "accepted"
    for n in range(2):  # 过号 after the recalls the hall's rules ask for
        assert qhall.act(w2, "queue.recall", tickets[2], 22 + n)["status"] == "accepted"
    assert qhall.act(w2, "queue.no_show", tickets[2], 24)["status"] == "accepted"
    agree()
    with qhall.db.session() as s:
        assert s.scalar(select(func.count()).select_from(StatsQueueDay)) == 1  # the day is stored
        assert stats_store.refresh(s, qhall.hall_id, DAY, DAY) == []          # and nothing is stale
        s.commit()

    # a second dispenser, offline all morning, pushes its tickets late (issued before the stored figures)
    offline = qhall.device("dispenser")
    late = [qhall.issue(offline, prefix, minutes=m)[0] for m, prefix in ((0.5, "A"), (2.5, "B"))]
    serve(late[0], 30, 12, "dissatisfied", "等候太久")
    # an evaluator offline since the second visit pushes its rating (made as the visit ended) after the
    # figures were stored
    assert qhall.push(evaluator, "queue.rate", {
        "rating_id": str(uuid.uuid4()), "ticket_id": tickets[1], "window_id": w2.window_id, "clerk": "clerk",
        "level": "very_dissatisfied", "reason": "态度差", "at": qhall.at(20.6)})["status"] == "accepted"
    with qhall.db.session() as s:
        before = s.get(QueueStatsCursor, qhall.hall_id).seq
        assert stats_store.refresh(s, qhall.hall_id, DAY, DAY) == [DAY]   # the touched day computed again
        assert s.get(QueueStatsCursor, qhall.hall_id).seq > before
        s.rollback()
    agree()
    body = qhall.client.get(url, params={"day": DAY.isoformat(), "by": "business"}, headers=sup).json()
    assert body["totals"]["issued"] == 6 and body["totals"]["bad_ratings"] == 2
    assert body["totals"]["ratings"]["very_dissatisfied"] == 1 and body["totals"]["no_shows"] == 1

    # the handler appeals the 态度差 rating as a mistake and the supervisor voids it: it leaves the server's
    # stored day, the raw recount and the workstation's stored day, rebuilt when the pull brings the record
    approver, reviewer = qhall.device("workstation", staff="approver"), qhall.device("workstation", staff="supervisor")
    records = qhall.rows(approver, "rating_rectification")
    mistaken = next(r for r in records.values() if r["reason"] == "态度差")
    assert act(qhall, approver, "rating.appeal", mistaken, reason="评价人误操作，监控可证")["status"] == "accepted"
    assert act(qhall, reviewer, "rating.review", qhall.rows(approver, "rating_rectification")[mistaken["id"]],
               decision="voided", reason="经核实为误评")["status"] == "accepted"
    sync.sync_once()
    assert figures.projection.refresh() == 1 and figures.projection.recomputed == [DAY.isoformat()]
    agree()
    body = qhall.client.get(url, params={"day": DAY.isoformat(), "by": "clerk"}, headers=sup).json()
    assert body["totals"]["bad_ratings"] == 1 and body["totals"]["ratings"]["very_dissatisfied"] == 0
    # the ratings view's rows and the dashboard's 差评 today leave it out too
    assert sum(r.is_bad for r in figures.queue_data(DAY, DAY).ratings) == 1
    assert figures.dashboard().bad_today == 1


def test_the_scheduler_stores_the_past_days_ahead_newest_first_in_bounded_runs(qhall, monkeypatch) -> None:  # noqa: ANN001
    """The `queue.stats_days` job stores yesterday's and older missing days, newest first and a bounded number
    per run, claimed like every scheduler job; today is left to the requests; a request for those days then
    computes nothing and answers the raw recount."""
    import datetime as dt

    from server.queue.models import QueueTicket

    kiosk, w2 = qhall.device("dispenser"), qhall.device("workstation", 2)
    ticket = qhall.issue(kiosk, "A")[0]
    for done in (qhall.call(w2, ticket, 1), qhall.act(w2, "queue.start", ticket, 1.5),
                 qhall.act(w2, "queue.finish", ticket, 9)):
        assert done["status"] == "accepted", done
    past = [DAY - dt.timedelta(days=k) for k in range(1, 6)]
    with qhall.db.session() as s:  # the hall's past: the ticket's row on each of the five days before
        row = s.get(QueueTicket, ticket)
        values = {c.name: getattr(row, c.name) for c in QueueTicket.__table__.columns}
        s.add_all(QueueTicket(**{**values, "id": str(uuid.uuid4()), "day": day}) for day in past)
        s.commit()

    def stored_days() -> list[dt.date]:
        with qhall.db.session() as s:
            return sorted(s.scalars(select(StatsQueueDay.day).where(StatsQueueDay.hall_id == qhall.hall_id)))

    monkeypatch.setattr(stats_store, "JOB_DAYS", 2)
    scheduler = qhall.client.app.state.scheduler
    assert stats_store.JOB in scheduler.jobs
    evening = dt.datetime.combine(DAY, dt.time(21), CHINA_TZ)
    for n, (count, newest) in enumerate(((2, 2), (2, 4), (1, 5), (0, 5))):  # the newest days first
        assert scheduler.run_due(evening + stats_store.EVERY * n).get(stats_store.JOB) == count
        assert stored_days() == sorted(past[:newest])
    # within its interval the job does not run again
    assert stats_store.JOB not in scheduler.run_due(evening + stats_store.EVERY * 3 + dt.timedelta(seconds=30))
    # the next day, the day that was today is yesterday: stored by the next run
    assert scheduler.run_due(evening + dt.timedelta(days=1))[stats_store.JOB] == 1
    assert stored_days() == sorted([*past, DAY])
    with qhall.db.session() as s:
        assert stats_store.refresh(s, qhall.hall_id, past[-1], DAY) == []
        s.rollback()
    sup = login(qhall.client, "supervisor")
    body = qhall.client.get(f"/api/v1/queue/halls/{qhall.hall_id}/statistics", headers=sup,
                            params={"day": past[-1].isoformat(), "to": DAY.isoformat(), "by": "day"}).json()
    with qhall.db.session() as s:
        raw = raw_statistics(s, qhall.hall_id, past[-1], DAY, GroupBy.DAY)
    assert _figures(body) == _figures(raw) and body["totals"]["issued"] == 6


def test_the_job_takes_the_newest_missing_days_first(qhall, monkeypatch) -> None:  # noqa: ANN001
    import datetime as dt

    from server.queue.models import QueueTicket

    kiosk = qhall.device("dispenser")
    ticket = qhall.issue(kiosk, "A")[0]
    with qhall.db.session() as s:
        row = s.get(QueueTicket, ticket)
        values = {c.name: getattr(row, c.name) for c in QueueTicket.__table__.columns}
        s.add_all(QueueTicket(**{**values, "id": str(uuid.uuid4()), "day": DAY - dt.timedelta(days=k)})
                  for k in (1, 2, 30))
        s.commit()
    monkeypatch.setattr(stats_store, "JOB_DAYS", 2)
    with qhall.db.session() as s:
        assert stats_store.build_ahead(s, dt.datetime.combine(DAY, dt.time(8), CHINA_TZ)) == 2
        assert sorted(s.scalars(select(StatsQueueDay.day))) == [DAY - dt.timedelta(days=2), DAY - dt.timedelta(days=1)]
        s.commit()
