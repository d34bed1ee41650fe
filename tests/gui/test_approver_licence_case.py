"""The approver's case view of a 延续/变更 application (issue 15, item 3): the case the server accepted names a
licence; the approver's workstation pulls it, the detail says 延续 or 变更 and which licence (its number), and
the number opens 证照库 listing that licence."""

from __future__ import annotations

import re

from client.widgets.style import stylesheet
from client.workspaces.approver.workspace import ApproverWorkspace
from gui.ops import Ops
from shared.approval import commands as cmd
from tests.approval_server.support import add_staff, command, open_desk
from tests.approval_server.test_licence_cases import _apply
from tests.approval_server.test_licences import granted_licence, licence_of
from tests.client.test_attachments import Hall, hall  # noqa: F401 - `hall` is a fixture
from tests.fixtures.server import login
from tests.gui.client_support import OPEN_OPS, shoot


def _accepted(desks, action: str, number: str, **kw) -> str:  # noqa: ANN001, ANN003
    case_id, r = _apply(desks, action, number, **kw)
    assert r["status"] == "accepted", r
    clerk = desks["clerk"]
    r = clerk.send(command(cmd.Accept, case_id, 1, "received", "2026-11-20", clerk, opinion="受理"))
    assert r["status"] == "accepted", r
    return case_id


def _open(qtbot, ws: ApproverWorkspace, case_id: str) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: ws.model.rowCount() >= 2, timeout=10000)
    row = next(r for r in range(ws.model.rowCount()) if ws.model.case_id(r) == case_id)
    with qtbot.waitSignal(ws.sig_detail_shown, timeout=10000):
        ws.table.selectRow(row)
    qtbot.waitUntil(lambda: ws.current is not None and ws.current.state.case_id == case_id, timeout=10000)


def test_the_approver_sees_which_licence_a_case_renews_or_changes(qtbot, hall: Hall, screenshot) -> None:  # noqa: ANN001, F811
    add_staff(hall.db)
    admin = login(hall.http)
    desks = {u: open_desk(hall.http, admin, hall.hall_id, u) for u in ("clerk", "reviewer", "verifier", "head",
                                                                       "officer")}
    renewed = licence_of(hall.db, granted_licence(desks, name="张三"))
    changed = licence_of(hall.db, granted_licence(desks, name="张三"))
    assert renewed.number != changed.number
    renew_case = _accepted(desks, "renew", renewed.number)
    change_case = _accepted(desks, "change", changed.number, name="张三丰")

    reviewer = hall.workstation("approver", "approver")  # 李建国: reviewer among his roles, reads 证照库
    reviewer.sync.sync_once()  # the published rows carry the action and the named number
    ops = Ops()
    OPEN_OPS.append(ops)
    ws = ApproverWorkspace(reviewer, ops, materials=reviewer.attachments)
    ws.setStyleSheet(stylesheet(1.0))
    qtbot.addWidget(ws)
    ws.resize(1366, 768)
    ws.show()
    # accepted at the counter, both cases wait at 审查, in the reviewer's 待办
    _open(qtbot, ws, renew_case)
    label = ws.detail.licence
    assert label.isVisible()
    assert "本件为证照延续申请" in label.text() and renewed.number in label.text(), label.text()
    shoot(qtbot, screenshot, ws, "approver-licence-renewal-case")

    _open(qtbot, ws, change_case)
    assert "本件为证照变更申请" in label.text() and changed.number in label.text(), label.text()
    href = re.search(r"href='([^']+)'", label.text()).group(1)
    label.linkActivated.emit(href)  # what a click on the number does
    register = _register_page(ws)
    assert register.number.text() == changed.number
    qtbot.waitUntil(lambda: register.result is not None and register.table.rowCount() == 1, timeout=10000)
    assert register.result.rows[0]["number"] == changed.number
    screenshot(register.window(), "client/approver-licence-link-register")

    _open(qtbot, ws, renew_case)  # each case its own licence
    assert changed.number not in label.text() and renewed.number in label.text()
    ops.wait()
    reviewer.attachments.close()


def _register_page(ws: ApproverWorkspace):  # noqa: ANN202
    from client.workspaces.licences.register import LicenceRegisterPage
    pages = ws.findChildren(LicenceRegisterPage)
    assert len(pages) == 1, pages
    return pages[0]
