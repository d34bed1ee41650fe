"""The approval journey on the real widgets: a case accepted at the counter appears in the approver's 待办,
passes the approver's steps with opinions that travel with it and is granted, then the licence is made, the
case closed and delivered at the counter; a stale action is refused and shown with who changed the case; the
supervisor sees overdue cases by department and step, urges and supervises, and reads the handler's reply."""

from __future__ import annotations

import uuid

import pytest

from client.services.acceptance import Application
from client.services.applicant import PERSON, Applicant
from shared.approval import commands as cmd
from tests.client.support import Clock, grant_case_numbers, services, staff
from tests.gui.client_support import open_window, shoot, shoot_dialog

ID = "11010519491231002X"


def _accept(s, n: int = 1) -> list[str]:  # noqa: ANN001
    choice = next(c for c in s.catalogue.choices if c.category == "administrative_licence" and c.situations)
    situation = choice.situations[0]
    app = Application(choice, situation.code, Applicant(PERSON, "张三", ID, from_card=True),
                      tuple(m for m, _ in situation.materials))
    return [s.acceptance.accept(app).case_id for _ in range(n)]


@pytest.fixture
def world(tmp_path):  # noqa: ANN001
    clock = Clock()
    clerk = services(tmp_path / "c", staff(), clock)
    grant_case_numbers(clerk.engine, clock.now.date(), 1, 50)
    approver = services(tmp_path / "a", staff("approver", name="李建国"), clock, window=None,
                        engine=clerk.engine)
    return clock, clerk, approver


def _act(qtbot, ws, action: str, opinion: str = "", **fields) -> None:  # noqa: ANN001, ANN003
    box = ws.detail.actions
    before = ws.current.state.version
    qtbot.waitUntil(lambda: box.findChild(type(box.confirm), f"action_{action}") is not None)
    button = box.findChild(type(box.confirm), f"action_{action}")
    box.opinion.setPlainText(opinion or "经审查，材料齐全，符合法定条件，同意。")
    with qtbot.waitSignal(ws.sig_acted, timeout=5000, raising=False) as acted:
        button.click()
        if box.confirm.isVisible():
            for name, value in fields.items():
                widget = box.inputs[name]
                widget.setValue(int(value)) if hasattr(widget, "setValue") else widget.setText(value)
            box.confirm.click()
    assert acted.signal_triggered, ws.message.text()
    qtbot.waitUntil(lambda: ws.current.state.version == before + 1)  # the detail shows the new version


def _select_first(qtbot, ws) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: ws.model.rowCount() > 0)
    with qtbot.waitSignal(ws.sig_detail_shown, timeout=5000):
        ws.table.selectRow(0)


def test_case_flows_from_todo_through_every_step_to_delivery(qtbot, world, screenshot):  # noqa: ANN001
    clock, clerk, approver = world
    case_id, = _accept(clerk)
    window, ops, _ = open_window(qtbot, approver)
    ws = window.workspace
    qtbot.waitUntil(lambda: ws.tabs.tabText(0) == "待办 (1)")
    _select_first(qtbot, ws)
    qtbot.waitUntil(lambda: ws.model.rows.get(case_id) is not None)
    assert ws.detail.files_summary.text() == "未收到材料文件"  # the case came with no files
    shoot(qtbot, screenshot, window, "approver-todo")
    for action in ("pass_step", "pass_step", "grant"):  # 审查, 审核, 决定: the approver's step roles
        _act(qtbot, ws, action)
        clock.advance(hours=1)
    qtbot.waitUntil(lambda: ws.current.state.status.value == "decided_granted")
    assert ws.detail.actions.findChild(type(ws.detail.actions.confirm), "action_make_licence") is None
    qtbot.waitUntil(lambda: ws.tabs.tabText(0) == "待办 (0)")  # 制证 is the counter's step now
    shoot(qtbot, screenshot, window, "approver-detail")
    ws.tabs.setCurrentIndex(1)  # 在办: handled by me, now at the clerk's steps
    qtbot.waitUntil(lambda: ws.model.rowCount() == 1)
    clerk_window, _, _ = open_window(qtbot, clerk)
    cases = clerk_window.workspace.cases
    clerk_window.workspace.tabs.setCurrentWidget(cases)
    _select_first(qtbot, cases)
    # the clerk holds licence_officer; offline, an empty number is taken from the item's rule at the sync
    _act(qtbot, cases, "make_licence", licence_no="")
    assert "证照编号：按规则编号（同步后生成）" in cases.detail.history.toPlainText()
    shoot(qtbot, screenshot, clerk_window, "clerk-licence-by-rule")
    bar = cases.detail.history.verticalScrollBar()
    bar.setValue(bar.maximum())  # the newest entry in view
    qtbot.wait(30)
    screenshot(cases.detail.history, "client/clerk-licence-by-rule-history")
    _act(qtbot, cases, "issue_licence")
    history = cases.detail.history.toPlainText()
    assert history.count("意见：") >= 5 and "准予许可" in history  # every earlier opinion is visible
    _act(qtbot, cases, "close")
    _act(qtbot, cases, "deliver", receiver_name="张三", receiver_id=ID)
    qtbot.waitUntil(lambda: cases.current.state.status.value == "delivered")
    shoot(qtbot, screenshot, clerk_window, "clerk-cases")
    ws.tabs.setCurrentIndex(2)  # 已办
    qtbot.waitUntil(lambda: ws.model.rowCount() == 1)
    status = approver.sync.status()
    # receive, accept, 3 approver steps, 4 at the counter and, at 办结 at window 1, the ask for the window's
    # evaluator (一事一评): all queued, none lost
    assert status.pending == 10


def test_stale_action_is_refused_and_shown(qtbot, world, screenshot):  # noqa: ANN001
    clock, clerk, approver = world
    case_id, = _accept(clerk)
    window, ops, _ = open_window(qtbot, approver)
    ws = window.workspace
    _select_first(qtbot, ws)
    seen = ws.current
    # Meanwhile a colleague passes the step on another workstation sharing the server (here: the cache).
    other = approver.cases
    other.act(cmd.PassStep(command_id=str(uuid.uuid4()), case_id=case_id, base=other.base(seen.state),
                           actor=cmd.Actor("reviewer2", "reviewer"), device="other", at=clock.now,
                           opinion="同意", step=seen.state.current_steps[0]))
    box = ws.detail.actions
    box.opinion.setPlainText("同意")
    with qtbot.waitSignal(ws.sig_stale, timeout=5000) as stale:
        box.findChild(type(box.confirm), "action_pass_step").click()
    dialog = stale.args[0]
    assert "reviewer2" in dialog.text.text()
    shoot_dialog(qtbot, screenshot, dialog, "dialog-stale")
    with qtbot.waitSignal(ws.sig_detail_shown, timeout=5000) as shown:
        dialog.accept()
    assert shown.args[0].state.version == seen.state.version + 1


def test_big_list_search_and_filters(qtbot, world):  # noqa: ANN001
    clock, clerk, approver = world
    _accept(clerk, 3)
    window, ops, _ = open_window(qtbot, approver)
    ws = window.workspace
    qtbot.waitUntil(lambda: ws.model.rowCount() == 3)
    ws.search.setText("SL2026000002")
    qtbot.waitUntil(lambda: ws.model.rowCount() == 1)
    qtbot.waitUntil(lambda: ws.model.data(ws.model.index(0, 0)) == "SL2026000002")
    ws.search.setText("不存在的")
    qtbot.waitUntil(lambda: ws.model.rowCount() == 0)
