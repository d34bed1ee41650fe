"""差评整改 on the real widgets, offline: the approver of the rated business's department sees that
department's 差评 (not another's) with the missed 回访 deadline in red and today's in yellow, records the
回访核实 through the form (queued as `rating.verify` with the record's base), is told in Chinese what is
missing, and appeals a mistaken rating; the supervisor finds the appeal first and voids the rating."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from client.services.auth import StaffSession
from gui.qt import QTabWidget
from shared.calendar import WorkCalendar
from shared.db.models import Department
from shared.queue.clock import CHINA_TZ
from shared.rating.rectification import open_record
from shared.sync.tables import outbox
from tests.client.support import Clock, make_cache, publish_row, services
from tests.gui.client_support import open_window, shoot

NOW = dt.datetime(2026, 11, 4, 9, 30, tzinfo=CHINA_TZ)  # a Wednesday


def _departments(engine) -> dict[str, int]:  # noqa: ANN001
    with Session(engine) as s:
        return {d.code: d.id for d in s.scalars(select(Department))}


def _record(n: int, department: int, rated: dt.datetime, subject: str, reason: str) -> dict:
    rid = f"00000000-0000-4000-8000-{n:012d}"
    publishable = open_record(record_id=rid, hall_id=1, rating_id=rid, source="ticket" if n % 2 else "case",
                              subject_id=rid, subject=subject, department_id=department, window_id=2, clerk="clerk",
                              level="dissatisfied" if n % 2 else "very_dissatisfied", reason=reason, rated_at=rated,
                              workdays=5, calendar=WorkCalendar())
    return publishable


def _seed(engine) -> dict[str, dict]:  # noqa: ANN001
    deps = _departments(engine)
    records = {
        "late": _record(1, deps["TZSB"], NOW - dt.timedelta(days=2, hours=1), "A012", "等候时间过长，窗口无人"),
        "today": _record(2, deps["TZSB"], NOW - dt.timedelta(hours=1), "DG2026-000031", "办理时间超过承诺时限"),
        "other": _record(3, deps["JL"], NOW - dt.timedelta(hours=2), "C007", "计量窗口态度生硬"),
    }
    for i, r in enumerate(records.values()):
        publish_row(engine, "rating_rectification", r["id"], r, seq=2000 + i)
        publish_row(engine, "queue_rating", r["rating_id"], {"id": r["rating_id"], "level": r["level"],
                                                            "at": r["rated_at"]}, seq=3000 + i)
    return records


def _session(user: str, name: str, roles: tuple[str, ...], department: int) -> StaffSession:
    return StaffSession(user, name, "DG0201", roles, 1, department, None, offline=True)


def _submit(qtbot, panel, action: str, text: str, **fields) -> None:  # noqa: ANN001
    form = panel.form
    form.action.setCurrentIndex(form.action.findData(action))
    form.text.setPlainText(text)
    if "contact" in fields:
        form.contact.setText(fields["contact"])
    if "decision" in fields:
        form.decision.setCurrentIndex(form.decision.findData(fields["decision"]))
    with qtbot.waitSignal(panel.sig_loaded, timeout=5000):
        form.submit.click()


def _select(qtbot, panel, record_id: str) -> None:  # noqa: ANN001
    row = next(i for i, v in enumerate(panel.views) if v.id == record_id)
    panel.table.selectRow(row)
    qtbot.waitUntil(lambda: panel.form.record_id == record_id)


def test_the_department_handles_its_bad_ratings_and_the_supervisor_reviews_the_appeal(qtbot, tmp_path,
                                                                                        screenshot):  # noqa: ANN001
    clock = Clock(NOW)
    engine = make_cache(tmp_path / "cache.sqlite3")
    records = _seed(engine)
    deps = _departments(engine)
    approver = services(tmp_path / "a", _session("approver", "李建国", ("approver", "head", "reviewer", "verifier"),
                                                 deps["TZSB"]), clock, window=None, engine=engine)
    window, ops, _ = open_window(qtbot, approver)
    window.rectification_button.click()  # the header's 差评整改 switch
    panel = window.stack.rectification
    assert window.stack.currentWidget() is panel
    qtbot.waitUntil(lambda: len(panel.views) == 2)
    assert [v.id for v in panel.views] == [records["late"]["id"], records["today"]["id"]]  # red first
    assert [v.card.card.value for v in panel.views] == ["red_card", "yellow_card"]
    assert [panel.table.item(i, 0).text() for i in (0, 1)] == ["红牌", "黄牌"]
    assert panel.table.item(0, 6).text() == "超期 1" and panel.table.item(1, 6).text() == "1"
    assert "差评 3 条" in panel.summary.text()
    _select(qtbot, panel, records["late"]["id"])
    assert [panel.form.action.itemData(i) for i in range(panel.form.action.count())] == ["verify", "appeal"]
    assert "待回访核实，期限 2026-11-03，已超期 1 个工作日" in panel.detail.text()
    shoot(qtbot, screenshot, window, "rectification-handler")

    panel.form.action.setCurrentIndex(0)
    panel.form.contact.setText("11月4日电话联系评价人")
    with qtbot.waitSignal(panel.sig_refused, timeout=5000) as refused:
        panel.form.submit.click()
    assert refused.args == ["text_required"] and panel.error.text() == "请填写完整内容"
    _submit(qtbot, panel, "verify", "当日上午窗口临时离岗，情况属实", contact="11月4日电话联系评价人")
    verified = approver.sync.rows("rating_rectification")[records["late"]["id"]]
    assert verified["status"] == "verified" and verified["verification"]["by"] == "approver"
    with engine.connect() as conn:
        queued = conn.execute(select(outbox.c.name, outbox.c.base).order_by(outbox.c.seq)).all()
    assert queued == [("rating.verify", {"record": records["late"]["id"], "expected_version": 1,
                                         "from_state": "open"})]
    _select(qtbot, panel, records["late"]["id"])
    assert [panel.form.action.itemData(i) for i in range(panel.form.action.count())] == ["rectify", "appeal"]
    assert "临时离岗" in panel.detail.text()
    shoot(qtbot, screenshot, window, "rectification-verified")
    _select(qtbot, panel, records["today"]["id"])
    _submit(qtbot, panel, "appeal", "评价人为同行恶意差评，有录像为证")

    supervisor = services(tmp_path / "s", _session("supervisor", "陈志强", ("supervisor",), deps["DGZJ"]), clock,
                          window=None, engine=engine)
    sup_window, _, _ = open_window(qtbot, supervisor)
    sup_panel = sup_window.workspace.rectification
    side = sup_panel.parentWidget()
    while not isinstance(side, QTabWidget):
        side = side.parentWidget()
    side.setCurrentWidget(sup_panel)
    qtbot.waitUntil(lambda: len(sup_panel.views) == 3)
    assert sup_panel.views[0].id == records["today"]["id"]  # the appeal awaiting review comes first
    _select(qtbot, sup_panel, records["today"]["id"])
    assert [sup_panel.form.action.itemData(i) for i in range(sup_panel.form.action.count())] == ["review"]
    shoot(qtbot, screenshot, sup_window, "rectification-supervisor")
    _submit(qtbot, sup_panel, "review", "经调取录像核实，属恶意评价，撤销", decision="voided")
    voided = supervisor.sync.rows("rating_rectification")[records["today"]["id"]]
    assert voided["status"] == "voided" and voided["review"]["decision"] == "voided"
    assert "申诉撤销 1 条" in sup_panel.summary.text() and "差评 2 条" in sup_panel.summary.text()
    # any period, not only this month: the figures follow the dates picked (11-03 on leaves out the 11-02 差评)
    assert "2026-11-01 至 2026-11-04" in sup_panel.summary.text()
    sup_panel.first.setDate(dt.date(2026, 11, 3))
    qtbot.waitUntil(lambda: "2026-11-03 至 2026-11-04" in sup_panel.summary.text())
    assert "评价 1 次，差评 1 条（申诉撤销 1 条）" in sup_panel.summary.text()  # the voided one counted apart
    sup_panel.first.setDate(dt.date(2026, 10, 1))
    sup_panel.last.setDate(dt.date(2026, 10, 31))
    qtbot.waitUntil(lambda: "2026-10-01 至 2026-10-31" in sup_panel.summary.text())
    assert "评价 0 次，差评 0 条" in sup_panel.summary.text()
    shoot(qtbot, screenshot, sup_window, "rectification-period")
