"""The worklists follow the sync: two workstations against the real server. A case the counter accepts appears
in the approver's open 待办 at the approver's next pull, with nobody touching the screen; the approver's steps
and decision reach the counter's open 办件 tab at its next pull (the case in 待办 with 准予许可, and the case the
clerk had open shows its new state and 制证). A pull that changes no listed case keeps the selected row. The
server's 信息比对 warning reads in words, not as its code."""

from __future__ import annotations

from client.i18n.labels import mismatch_text
from client.services.acceptance import Application
from client.services.applicant import PERSON, Applicant
from client.services.context import build_services
from client.services.workstation import Workstation
from tests.client.support import Clock, make_cache
from tests.gui.client_support import open_window, shoot
from tests.gui.test_approval_journey import _act
from tests.gui.test_device_alerts import _signed_in
from tests.gui.test_workstation_sync import PII_KEYS
from tests.sync.support import demo_hall, new_device

ID = "11010519491231002X"


def _workstation(tmp_path, server_url, db, username: str, window: int | None):  # noqa: ANN001, ANN202
    hall_id, windows = demo_hall(db)
    device_id, token = new_device(db, "workstation", hall_id, windows[0] if window else None, name=username)
    ws = Workstation(tmp_path / username, server_url=server_url, window_number=window, device_id=device_id,
                     device_token=token)
    s = build_services(ws, _signed_in(server_url, device_id, username),
                       make_cache(tmp_path / f"{username}.sqlite3"), clock=Clock())
    s.sync.sync_once()
    return s


def _row(ws, case_no: str) -> str:  # noqa: ANN001
    """The worklist row of the case as the table shows it ("" while it is not listed)."""
    model = ws.model
    for r in range(model.rowCount()):
        cells = [str(model.data(model.index(r, c)) or "") for c in range(model.columnCount())]
        if cells[0] == case_no:
            return " | ".join(cells)
    return ""


def test_cases_moved_elsewhere_reach_the_open_worklists_at_the_next_pull(qtbot, server_url, sqlite_database,
                                                                          tmp_path, monkeypatch,
                                                                          screenshot) -> None:  # noqa: ANN001
    for name, value in PII_KEYS.items():
        monkeypatch.setenv(name, value)
    clerk = _workstation(tmp_path, server_url, sqlite_database, "clerk", 1)
    approver = _workstation(tmp_path, server_url, sqlite_database, "approver", None)
    window, _, _ = open_window(qtbot, approver)
    ws = window.workspace
    qtbot.waitUntil(lambda: ws.tabs.tabText(0) == "待办 (0)")

    # the counter accepts a licence case and its sync pushes it
    choice = next(c for c in clerk.catalogue.choices if c.category == "administrative_licence" and c.situations)
    situation = choice.situations[0]
    case_id = clerk.acceptance.accept(Application(choice, situation.code, Applicant(PERSON, "张三", ID, from_card=True),
                                                  tuple(m for m, _ in situation.materials))).case_id
    clerk.sync.sync_once()
    case_no = clerk.sync.confirmed("approval_case")[case_id]["case_number"]
    clerk_window, _, _ = open_window(qtbot, clerk)
    cases = clerk_window.workspace.cases
    clerk_window.workspace.tabs.setCurrentWidget(cases)
    cases.tabs.setCurrentIndex(1)  # 在办: the clerk accepted it, it is at the approver's steps
    qtbot.waitUntil(lambda: "审批中" in _row(cases, case_no))
    with qtbot.waitSignal(cases.sig_detail_shown, timeout=5000):
        cases.table.selectRow(0)
    assert "当前状态：审批中" in cases.detail.summary.text()
    # the applicant is not in the person register (none was imported): said in words, the ID masked
    assert "⚠ 信息比对：人口信息库中未查到证件号 110105********002X" in cases.detail.materials.text()

    # the approver's next pull: the open 待办 shows it, nobody pressed anything
    approver.sync.sync_once()
    qtbot.waitUntil(lambda: ws.tabs.tabText(0) == "待办 (1)" and "审批中" in _row(ws, case_no), timeout=5000)
    with qtbot.waitSignal(ws.sig_detail_shown, timeout=5000):
        ws.table.selectRow(0)
    _act(qtbot, ws, "pass_step", "材料齐全，同意。")  # 审查
    # its own step comes back confirmed: the same list, read again; the row stays selected
    with qtbot.waitSignal(ws.sig_list_loaded, timeout=5000):
        approver.sync.sync_once()
    qtbot.waitUntil(lambda: "审核" in _row(ws, case_no))
    assert ws.table.currentIndex().row() == 0
    _act(qtbot, ws, "pass_step", "同意。")  # 审核
    _act(qtbot, ws, "grant", "准予许可。")  # 决定
    approver.sync.sync_once()
    assert approver.sync.status().pending == 0

    # the counter's next pull: the case is in its 待办 (制证) as 准予许可, and the open detail follows
    assert cases.tabs.tabText(0) == "待办 (0)"
    clerk.sync.sync_once()
    qtbot.waitUntil(lambda: cases.tabs.tabText(0) == "待办 (1)", timeout=5000)
    qtbot.waitUntil(lambda: "当前状态：准予许可" in cases.detail.summary.text(), timeout=5000)
    assert cases.detail.actions.findChild(type(cases.detail.actions.confirm), "action_make_licence") is not None
    assert "准予许可" in cases.detail.history.toPlainText()
    cases.tabs.setCurrentIndex(0)
    qtbot.waitUntil(lambda: "准予许可" in _row(cases, case_no) and "制证" in _row(cases, case_no))
    shoot(qtbot, screenshot, clerk_window, "clerk-worklist-after-pull")


def test_register_warnings_read_in_words(qtbot) -> None:  # noqa: ANN001
    assert mismatch_text({"code": "not_in_register", "register": "company", "id": "91441900********1X"}) == \
        "市场主体登记库中未查到证件号 91441900********1X"
    assert mismatch_text({"code": "name_mismatch", "register": "company", "registered_name": "东莞某某电梯有限公司",
                          "given_name": "东莞某某电梯公司"}) == \
        "市场主体登记库登记的名称为“东莞某某电梯有限公司”，与申请填写的“东莞某某电梯公司”不一致"
    assert mismatch_text({"code": "register_offline", "message": "登记库暂不可用"}) == "登记库暂不可用"
