"""督查督办 on the real widgets: overdue cases grouped by department and step, a click lists them, the
supervisor urges and supervises; the handler's written reply comes back to the supervisor's replies list."""

from __future__ import annotations

from tests.client.support import Clock, grant_case_numbers, services, staff
from tests.gui.client_support import open_window, shoot
from tests.gui.test_approval_journey import _accept, _act, _select_first


def test_supervisor_sees_overdue_by_department_and_step_and_gets_replies(qtbot, tmp_path, screenshot):  # noqa: ANN001
    clock = Clock()
    clerk = services(tmp_path / "c", staff(), clock)
    grant_case_numbers(clerk.engine, clock.now.date(), 1, 50)
    case_ids = _accept(clerk, 3)
    clock.advance(days=45)  # far past the statutory limit
    supervisor = services(tmp_path / "s", staff("supervisor", name="陈志强"), clock, window=None,
                          engine=clerk.engine)
    window, ops, _ = open_window(qtbot, supervisor)
    ws = window.workspace
    with qtbot.waitSignal(ws.sig_groups, timeout=5000) as groups:
        ws.refresh()
    overdue = groups.args[0]
    assert overdue and overdue[0].red == 3 and overdue[0].department == "产品质量监督科"
    qtbot.waitUntil(lambda: ws.groups.item(0, 1) is not None and ws.groups.item(0, 1).text() == "审查")
    ws._group_clicked(0, 3)
    cases = ws.cases
    qtbot.waitUntil(lambda: cases.model.rowCount() == 3)
    _select_first(qtbot, cases)
    qtbot.waitUntil(lambda: bool(cases.model.rows) and all(r["_card"] == "red_card" for r in cases.model.rows.values()))
    _act(qtbot, cases, "urge", opinion="请尽快办理")
    _act(qtbot, cases, "supervise", opinion="请于两个工作日内书面说明超期原因", reply_within_days="2")
    shoot(qtbot, screenshot, window, "supervisor")
    handler = services(tmp_path / "a", staff("approver", name="李建国"), clock, window=None,
                       engine=clerk.engine)
    approver_window, _, _ = open_window(qtbot, handler)
    aw = approver_window.workspace
    aw.tabs.setCurrentIndex(4)  # 超期
    qtbot.waitUntil(lambda: aw.model.rowCount() == 3)
    aw.search.setText(cases.current.row["case_number"])
    qtbot.waitUntil(lambda: aw.model.rowCount() == 1)
    _select_first(qtbot, aw)
    assert "请尽快办理" in aw.detail.history.toPlainText() and "待回复" in aw.detail.history.toPlainText()
    _act(qtbot, aw, "reply_supervision", opinion="已加快审查，预计明日办结")
    shoot(qtbot, screenshot, approver_window, "approver-overdue")
    clocks = aw.detail.clocks.text()
    assert "已超期" in clocks and "剩余 -" not in clocks  # overdue days read as such, not a negative remainder
    approver_window.resize(1366, 768)
    qtbot.wait(60)
    panel, box = aw.detail, aw.detail.actions
    bottom = box.mapTo(panel.viewport(), box.rect().bottomLeft()).y()
    assert bottom <= panel.viewport().height()  # the actions fit a 1366×768 screen without scrolling
    with qtbot.waitSignal(ws.sig_replies, timeout=5000) as replies:
        ws.refresh()
    assert [r.reply for r in replies.args[0]] == ["已加快审查，预计明日办结"]
    assert replies.args[0][0].case_id in case_ids
    qtbot.waitUntil(lambda: ws.replies.rowCount() == 1)
    shoot(qtbot, screenshot, window, "supervisor-replies")
