"""Case statistics on a simulated case flow (bench.case_flow's world: counters, reviewers, heads… acting
through their own caches against the real server): the 统计分析 screen of a supervisor workstation, online,
equals a recount from the raw events (counts, and the average cycle in working days net of stopped time by
bench.case_checks' own day count); the dashboard's near-due and overdue cases by department equal a recount
of the cached rows' statutory due days; drill-down lists the group's cases; the Excel export equals the screen; offline it says why not."""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter, defaultdict

import pytest
from sqlalchemy import select

from bench.case_checks import MARGIN, _stops, recount
from bench import case_flow
from bench.case_flow import BENCH_KEYS, START, Flow, InProcess
from client.services.auth import StaffSession
from client.services.context import build_services
from client.services.rowsql import RowSql
from client.services.stat_tables import display
from client.services.workstation import Workstation
from client.services.xlsx_export import read_xlsx
from server.approval.definitions import load_all
from server.approval.models import ApprovalCase, ApprovalEvent
from shared.approval.serialization import event_from_dict
from shared.queue.clock import CHINA_TZ
from tests.client.support import Offline
from tests.gui.client_support import open_window, shoot

ENDED = {"not_accepted", "delivered", "withdrawn", "terminated", "closed"}


@pytest.fixture(scope="module")
def flow(tmp_path_factory):  # noqa: ANN001, ANN201
    saved = {k: os.environ.get(k) for k in BENCH_KEYS}
    os.environ.update(BENCH_KEYS)  # the server seals the applicants' data with these keys, as in the bench
    f = Flow(seed=16, cases=80, work=tmp_path_factory.mktemp("case-flow"))
    quiet = case_flow.QUIET_DAYS
    case_flow.QUIET_DAYS = 3  # stop a few days after the last new case: some are closed, some still open
    try:
        f.run()
        f.settle()
        yield f
    finally:
        case_flow.QUIET_DAYS = quiet
        f.http.__exit__(None, None, None)
        f.db.dispose()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def recount_by_department(flow: Flow) -> dict[str, tuple]:
    """received, accepted, not accepted, granted, refused, closed, withdrawn, terminated, in progress and the
    average cycle (acceptance to 办结, working days, Art. 45 procedures and — where the definition says so —
    corrections after acceptance left out), from the server's events."""
    with flow.db.session() as s:
        events: dict[str, list] = defaultdict(list)
        for body, in s.execute(select(ApprovalEvent.body).order_by(ApprovalEvent.case_id, ApprovalEvent.seq)):
            events[body["case_id"]].append(event_from_dict(body))
        cases = list(s.scalars(select(ApprovalCase)))
        definitions = load_all(s)
    counts: dict[str, Counter] = defaultdict(Counter)
    cycles: dict[str, list[int]] = defaultdict(list)
    for case in cases:
        es, c = events[case.id], counts[case.department]
        actions = [e.action.value for e in es]
        c["received"] += 1
        accepted = next((e.day for e in es if e.action.value in ("accept", "deemed_accepted_art32")), None)
        c["accepted"] += accepted is not None
        c["not_accepted"] += case.status == "not_accepted"
        decisions = [a for a in actions if a in ("grant", "refuse")]
        c["granted"] += bool(decisions) and decisions[-1] == "grant"
        c["refused"] += bool(decisions) and decisions[-1] == "refuse"
        closed = next((e.day for e in es if e.action.value == "close"), None)
        c["closed"] += closed is not None
        c["withdrawn"] += case.status == "withdrawn"
        c["terminated"] += case.status == "terminated"
        c["in_progress"] += case.status not in ENDED
        if closed is not None and accepted is not None:
            d = definitions[(case.item_code, case.situation_code, case.definition_version)]
            kinds = ("special", "correction") if d.correction_stops_clock else ("special",)
            stops = [x for x in _stops(es, kinds) if x[0] == "special" or x[1] >= accepted]
            cycles[case.department].append(recount(accepted, closed, [(a, b or closed) for _, a, b in stops]))
    keys = ("received", "accepted", "not_accepted", "granted", "refused", "closed", "withdrawn", "terminated",
            "in_progress")
    return {dep: tuple(str(c[k]) for k in keys)
            + (display(round(sum(cycles[dep]) / len(cycles[dep]), 1)) if cycles[dep] else "—",)
            for dep, c in counts.items()}


def _supervisor(flow: Flow, tmp, transport):  # noqa: ANN001, ANN202
    desk = next(d for d in flow.desks if d.user == "supervisor")
    login = flow.http.post("/api/v1/auth/login", json={"username": "supervisor", "password": "GovHall@2026",
                                                       "device_id": desk.client.device_id}).json()
    session = StaffSession("supervisor", "supervisor", "B0007", ("supervisor",), flow.hall_id, None,
                           login["token"], offline=False)
    ws = Workstation(tmp, device_id=desk.client.device_id, device_token="t")
    return build_services(ws, session, desk.client.engine, transport=transport, clock=lambda: flow.now), login


def test_case_statistics_equal_a_recount_of_the_case_flow(qtbot, flow, tmp_path, screenshot):  # noqa: ANN001
    services, _ = _supervisor(flow, tmp_path, InProcess(flow.http))
    window, ops, _ = open_window(qtbot, services)
    ws = window.workspace
    ws.pages.setCurrentWidget(ws.statistics)
    view = ws.statistics.cases
    view.first.setDate(START - dt.timedelta(days=1))
    view.group.setCurrentIndex(view.group.findData("department"))
    with qtbot.waitSignal(view.sig_shown, timeout=30000):
        view.run()
    screen = [tuple(view.table.item(i, c).text() for c in range(view.table.columnCount()))
              for i in range(view.table.rowCount())]
    expected = recount_by_department(flow)
    shown = {row[0]: row[1:10] + (row[11],) for row in screen[:-1]}  # the overdue column is the server's card
    assert shown == expected
    assert screen[-1][0] == "合计"
    assert screen[-1][1] == str(sum(int(v[0]) for v in expected.values()))
    assert int(screen[-1][1]) >= 60  # the flow made its cases (an empty world would compare equal too)
    assert any(v[-1] != "—" for v in expected.values())  # some cases were closed: a cycle was averaged
    header, lines = read_xlsx(view.export_xlsx(tmp_path / "cases.xlsx"))
    assert lines == screen and header[0] == "部门"
    with qtbot.waitSignal(view.sig_drilled, timeout=20000) as drilled:
        assert view.open_rows(0)
    dialog = drilled.args[0]
    assert dialog.table.rowCount() == int(screen[0][1])
    dialog.close()
    shoot(qtbot, screenshot, window, "statistics-cases")
    # two dimensions: month × channel adds up to the same total
    view.group.setCurrentIndex(view.group.findData("month"))
    view.group2.setCurrentIndex(view.group2.findData("channel"))
    with qtbot.waitSignal(view.sig_shown, timeout=30000) as two:
        view.run()
    assert sum(r[2] for r in two.args[0].rows) == int(screen[-1][1])
    # the dashboard's near-due and overdue cases by department, 30 days on (what is open by then is late)
    assert sum(int(v[8]) for v in expected.values()) > 0  # some cases are still open
    flow.now += dt.timedelta(days=30)
    services.case_index.ensure()
    # recount from the cached rows: open (not ended) cases by department whose due day — the earliest of its
    # running clocks' (shared.approval.overdue), as the server wrote it into the row — is past (red) or within
    # MARGIN working days (yellow), days counted by bench.case_checks' own calendar walk
    today = flow.now.astimezone(CHINA_TZ).date()
    server: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in RowSql(services.engine).rows("approval_case"):
        due = (r.get("clocks") or {}).get("due")
        if r["status"] in ("not_accepted", "delivered", "withdrawn", "terminated") or not due:
            continue
        due = dt.date.fromisoformat(due)
        if today > due:
            server[r["department"]][1] += 1
        elif recount(today, due, []) <= MARGIN:
            server[r["department"]][0] += 1
    ws.pages.setCurrentWidget(ws.dashboard)
    with qtbot.waitSignal(ws.dashboard.sig_shown, timeout=20000) as dash:
        ws.dashboard.refresh()
    assert {d: [y, r] for d, y, r in dash.args[0].cases} == dict(server)
    assert sum(r for _, _, r in dash.args[0].cases) > 0
    qtbot.waitUntil(lambda: ws.dashboard.tiles["overdue"].value.text() == str(sum(r for _, _, r in dash.args[0].cases)))
    shoot(qtbot, screenshot, window, "dashboard-cases")


def test_case_statistics_offline_say_why(qtbot, flow, tmp_path):  # noqa: ANN001
    services, _ = _supervisor(flow, tmp_path, Offline())
    window, ops, _ = open_window(qtbot, services)
    view = window.workspace.statistics.cases
    with qtbot.waitSignal(view.sig_failed, timeout=20000) as failed:
        view.run()
    assert failed.args[0].startswith("离线：办件统计由服务器")
    assert not view.export_button.isEnabled()
    view.last.setDate(START)
    view.first.setDate(START + dt.timedelta(days=3))
    with qtbot.waitSignal(view.sig_failed, timeout=5000) as failed:
        view.run()
    assert failed.args[0] == "invalid_range" and view.status.text() == "结束日期不能早于开始日期"
