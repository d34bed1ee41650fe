"""The hall dashboard and the queue and rating statistics on a simulated hall day (bench.hall_day's world: the
real server, dispensers, windows and evaluators syncing through it): a supervisor workstation's figures equal a
recount from the raw synced rows — when the queue was longest for the dashboard, over the whole day for the statistics —
and the server's statistics API; the Excel export re-read equals the screen."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import sqlite3
from collections import Counter, defaultdict

import pytest
from sqlalchemy import func, select

from bench.hall_day import DAY, HallDay
from client.services.auth import StaffSession
from client.services.context import build_services
from client.services.hall_figures import HallFigures
from client.services.reference import load_reference
from client.services.rowsql import RowSql
from client.services.stat_tables import display
from client.services.workstation import Workstation
from client.services.xlsx_export import read_xlsx
from server.queue.models import QueueTicket
from server.queue.statistics import hall_statistics
from shared.db.cache import open_cache
from shared.queue.clock import CHINA_TZ
from shared.queue.statistics import GroupBy
from tests.client.support import Offline
from tests.gui.client_support import open_window, shoot

BAD = ("dissatisfied", "very_dissatisfied")


def _t(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(CHINA_TZ)


def raw_rows(engine, table: str) -> list[dict]:  # noqa: ANN001
    with engine.connect() as conn:
        return [json.loads(r) for r, in conn.exec_driver_sql("SELECT row FROM sync_confirmed WHERE tbl = ?",
                                                              (table,))]


def recount_dashboard(engine, now: dt.datetime) -> dict:  # noqa: ANN001
    """The dashboard's figures straight from the rows, without shared/queue."""
    today = now.date().isoformat()
    tickets = [r for r in raw_rows(engine, "queue_ticket") if r["day"] == today]
    waiting: dict[int, list[dt.timedelta]] = defaultdict(list)
    for r in tickets:
        if r["state"] == "waiting":
            called = [p for p in r["periods"] if p["kind"] == "called"]
            start = _t(r["periods"][0]["start"])
            waiting[r["business_id"]].append((_t(called[0]["start"]) if called else now) - start)
    windows = raw_rows(engine, "queue_window")
    ratings = [r for r in raw_rows(engine, "queue_rating") if _t(r["at"]).date() == now.date()]
    return {"waiting": {b: len(w) for b, w in waiting.items()},
            "longest": {b: max(w) for b, w in waiting.items()},
            "issued": len(tickets), "served": sum(r["state"] == "finished" for r in tickets),
            "paused": sum(bool(w["paused"]) for w in windows),
            "open": sum(not w["paused"] for w in windows),
            "serving": sum(bool(w["current_ticket_id"]) for w in windows),
            "bad": sum(r["level"] in BAD for r in ratings)}


def _mean_p50_p90(values: list[dt.timedelta]) -> tuple[str, str, str]:
    """Mean and the exact nearest-rank P50 and P90, in minutes as the screen shows them."""
    if not values:
        return "—", "—", "—"
    ordered = sorted(values)
    mean = sum(ordered, dt.timedelta(0)) / len(ordered)
    p50, p90 = (ordered[math.ceil(share * len(ordered)) - 1] for share in (0.5, 0.9))
    return tuple(display(round(round(v.total_seconds(), 1) / 60, 1)) for v in (mean, p50, p90))


def recount_queue(engine, day: dt.date) -> dict[int, tuple[str, ...]]:  # noqa: ANN001
    """Per business: issued, finished, no-show, closed unserved, cancelled, waits and service times."""
    groups: dict[int, list[dict]] = defaultdict(list)
    for r in raw_rows(engine, "queue_ticket"):
        if r["day"] == day.isoformat():
            groups[r["business_id"]].append(r)
    out = {}
    for business, rows in groups.items():
        unserved = [r for r in rows if "closed_unserved" in r.get("flags", [])]
        waits = []
        for r in rows:
            called = [p for p in r["periods"] if p["kind"] == "called"]
            if called:
                waits.append(_t(called[0]["start"]) - _t(r["periods"][0]["start"]))
        services = [sum((_t(p["end"]) - _t(p["start"]) for p in r["periods"] if p["kind"] == "serving"),
                        dt.timedelta(0)) for r in rows if r["state"] == "finished"]
        out[business] = (str(len(rows)), str(sum(r["state"] == "finished" for r in rows)),
                         str(sum(r["state"] == "no_show" for r in rows)), str(len(unserved)),
                         str(sum(r["state"] == "cancelled" for r in rows) - len(unserved)),
                         *_mean_p50_p90(waits), *_mean_p50_p90(services))
    return out


PERCENTILES = (6, 7, 9, 10)  # P50 and P90 of the waits and of the service times, among the queue columns


def _exact(cells: tuple) -> tuple:
    """The columns a recount must equal exactly: all but the P50s and P90s."""
    return tuple(v for i, v in enumerate(cells) if i not in PERCENTILES)


def _percentiles(cells: tuple) -> tuple:
    return tuple(cells[i] for i in PERCENTILES)


def recount_ratings(engine) -> dict[int, Counter]:  # noqa: ANN001
    out: dict[int, Counter] = defaultdict(Counter)
    for r in raw_rows(engine, "queue_rating"):
        out[r["window_id"]][r["level"] or "not_rated"] += 1
    return out


@pytest.fixture(scope="module")
def hall(tmp_path_factory):  # noqa: ANN001, ANN201
    work = tmp_path_factory.mktemp("hall-day")
    args = argparse.Namespace(seed=16, tickets=120, windows=10, kiosks=1, offline_minutes=0, day=DAY)
    day = HallDay(args, work)
    sup = day.world.device("supervisor-ws", "workstation", staff="supervisor")
    midday: dict = {}
    windows = day._windows

    def step(minute: int) -> None:
        windows(minute)
        if minute % 5:
            return
        with day.world.db.session() as session:  # keep the supervisor's cache as it was at the longest queue
            waiting = session.scalar(select(func.count()).select_from(QueueTicket)
                                     .where(QueueTicket.state == "waiting")) or 0
        if waiting <= midday.get("waiting", 0):
            return
        sup.client.sync_once()
        midday.update(waiting=waiting, now=day.world.clock().astimezone(CHINA_TZ),
                      path=work / "supervisor-busiest.sqlite3")
        midday["path"].unlink(missing_ok=True)
        raw, copy = sup.client.engine.raw_connection(), sqlite3.connect(midday["path"])
        try:
            raw.driver_connection.backup(copy)
        finally:
            copy.close()
            raw.close()
    day._windows = step
    try:
        day.run()
        sup.client.sync_once()
        yield day, sup, midday
    finally:
        day.world.close()


def _services(tmp, engine, now: dt.datetime):  # noqa: ANN001, ANN202
    session = StaffSession("supervisor", "陈志强", "DG0009", ("supervisor",), 1, None, None, offline=True)
    return build_services(Workstation(tmp, device_id="dev-sup", device_token="t"), session, engine,
                          transport=Offline(), clock=lambda: now)


def test_queue_statistics_equal_a_recount_and_the_api(qtbot, hall, tmp_path, screenshot):  # noqa: ANN001
    day, sup, _ = hall
    engine = sup.client.engine
    figures = HallFigures(RowSql(engine), load_reference(engine), day.world.clock)
    with day.world.db.session() as s:
        for by in GroupBy:
            api = hall_statistics(s, day.world.hall_id, DAY, DAY, by)
            api.pop("quota_use")
            assert figures.queue_report(DAY, DAY, by) == api, by
    end = dt.datetime.combine(DAY, dt.time(18), CHINA_TZ)
    services = _services(tmp_path, engine, end)
    window, ops, _ = open_window(qtbot, services)
    ws = window.workspace
    ws.pages.setCurrentWidget(ws.statistics)
    stats = ws.statistics
    stats.tabs.setCurrentWidget(stats.queue)
    view = stats.queue
    with qtbot.waitSignal(view.sig_shown, timeout=20000) as shown:
        view.run()
    table = shown.args[0]
    recount = recount_queue(engine, DAY)
    names = {services.reference.business_name(b): b for b in recount}
    screen = [tuple(view.table.item(i, c).text() for c in range(view.table.columnCount()))
              for i in range(view.table.rowCount())]
    assert sum(int(v[0]) for v in recount.values()) >= 60  # a real day, not an empty one
    assert {names[row[0]]: _exact(row[1:12]) for row in screen[:-1]} == {k: _exact(v) for k, v in recount.items()}
    for row in screen[:-1]:  # P50/P90 from 5-second buckets (shared/queue/projection): within 2.5 s, so at most
        # 0.1 minute apart once both are shown to a tenth of a minute
        for shown, exact in zip(_percentiles(row[1:12]), _percentiles(recount[names[row[0]]])):
            assert shown == exact == "—" or abs(float(shown) - float(exact)) <= 0.1 + 1e-9, row
    assert any(row[7] != "—" for row in screen[:-1])  # P50 waits shown
    assert {row[12] for row in screen} == {"—"}  # quota use is the server's: offline, none (and a note)
    assert "P50" in view.status.text() and "±2.5秒" in view.status.text()  # the approximation the screen states
    assert "离线：配额使用由服务器统计" in view.status.text()
    assert screen[-1][1] == str(sum(int(v[0]) for v in recount.values()))
    # drill-down: the group's tickets
    with qtbot.waitSignal(view.sig_drilled, timeout=20000) as drilled:
        assert view.open_rows(0)
    dialog = drilled.args[0]
    assert dialog.table.rowCount() == int(screen[0][1])
    dialog.close()
    # Excel: re-read, it is the screen
    header, lines = read_xlsx(view.export_xlsx(tmp_path / "queue.xlsx"))
    assert header == tuple(view.table.horizontalHeaderItem(c).text() for c in range(view.table.columnCount()))
    assert {"等候P50", "等候P90", "办理P50", "办理P90"} <= set(header)
    assert lines == screen
    from openpyxl import load_workbook
    texts = [c for row in load_workbook(tmp_path / "queue.xlsx", read_only=True).active.iter_rows(values_only=True)
             for c in row if isinstance(c, str)]
    assert any("P50" in t and "±2.5秒" in t for t in texts)  # the workbook states the approximation too
    assert table.title == "排队统计"
    pdf = view.save_pdf(tmp_path / "queue.pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 10_000  # the table and the chart
    shoot(qtbot, screenshot, window, "statistics-queue")
    # by hour: every ticket in one of the day's hours
    view.group.setCurrentIndex(view.group.findData("hour"))
    with qtbot.waitSignal(view.sig_shown, timeout=20000) as shown:
        view.run()
    assert sum(r[1] for r in shown.args[0].rows) == sum(int(v[0]) for v in recount.values())
    assert all(r[0][2] == ":" for r in shown.args[0].rows)
    # ratings by window
    rv = stats.ratings
    stats.tabs.setCurrentWidget(rv)
    with qtbot.waitSignal(rv.sig_shown, timeout=20000) as shown:
        rv.run()
    rated = recount_ratings(engine)
    assert rated and sum(sum(c.values()) for c in rated.values()) >= 20
    by_window = {services.reference.windows[k].name or f"{services.reference.windows[k].number}号窗口": c
                 for k, c in rated.items()}
    codes = ("very_satisfied", "satisfied", "basically_satisfied", "dissatisfied", "very_dissatisfied", "not_rated")
    for i in range(rv.table.rowCount() - 1):
        counts = by_window[rv.table.item(i, 0).text()]
        assert [rv.table.item(i, c + 1).text() for c in range(6)] == [str(counts[x]) for x in codes]
        assert rv.table.item(i, 7).text() == str(counts["dissatisfied"] + counts["very_dissatisfied"])
    header, lines = read_xlsx(rv.export_xlsx(tmp_path / "ratings.xlsx"))
    assert lines == [tuple(rv.table.item(i, c).text() for c in range(rv.table.columnCount()))
                     for i in range(rv.table.rowCount())]
    shoot(qtbot, screenshot, window, "statistics-ratings")


def test_dashboard_at_the_longest_queue_equals_a_recount(qtbot, hall, tmp_path, screenshot):  # noqa: ANN001
    _, _, midday = hall
    now = midday["now"]
    engine = open_cache(midday["path"])
    recount = recount_dashboard(engine, now)
    assert sum(recount["waiting"].values()) > 0  # people were waiting then
    services = _services(tmp_path, engine, now)
    window, ops, _ = open_window(qtbot, services)
    ws = window.workspace
    ws.pages.setCurrentWidget(ws.dashboard)
    with qtbot.waitSignal(ws.dashboard.sig_shown, timeout=20000) as shown:
        ws.dashboard.refresh()
    d = shown.args[0]
    assert {w.business_id: w.count for w in d.waiting if w.count} == recount["waiting"]
    assert {w.business_id: w.longest for w in d.waiting if w.count} == recount["longest"]
    assert (d.issued.today, d.served.today, d.bad_today) == (recount["issued"], recount["served"], recount["bad"])
    assert (d.windows_open, d.windows_paused, d.windows_serving) == (recount["open"], recount["paused"],
                                                                    recount["serving"])
    assert (d.issued.yesterday, d.issued.last_week) == (0, 0)  # the world's first day
    tiles = ws.dashboard.tiles
    qtbot.waitUntil(lambda: tiles["waiting"].value.text() == str(sum(recount["waiting"].values())))
    longest = max(recount["longest"].values())
    assert tiles["longest"].value.text() == str(int(longest.total_seconds() // 60))
    assert tiles["issued"].value.text() == str(recount["issued"])
    shoot(qtbot, screenshot, window, "dashboard")
    wall = ws.dashboard.open_wall()
    qtbot.waitUntil(lambda: wall.tiles["waiting"].value.text() == tiles["waiting"].value.text())
    wall.showNormal()
    shoot(qtbot, screenshot, wall, "dashboard-wall")
    wall.close()
