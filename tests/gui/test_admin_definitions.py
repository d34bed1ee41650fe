"""审批流程 against a live server: the admin opens a licence item's workflow, every edit is checked at once by the
engine's validator (a promised limit beyond the statutory one, a parallel group without its join rule, a
return without a target are each shown and block publishing), adds a parallel review step with a return,
publishes version 2, sees it listed with its cases, and the workstation's next pull decides with it."""

from __future__ import annotations

from shared.approval.definition import ADMINISTRATIVE_LICENCE
from tests.gui.client_support import open_window, shoot
from tests.gui.test_admin_calendar import _services


def _codes(page) -> set[str]:  # noqa: ANN001
    return {p["code"] for p in page.problems}


def test_the_admin_edits_a_workflow_as_a_form_and_publishes_a_new_version(qtbot, server_url, sqlite_database,
                                                                          tmp_path, screenshot) -> None:  # noqa: ANN001
    services = _services(tmp_path, server_url, sqlite_database)
    choice = next(c for c in services.catalogue.choices if c.category == ADMINISTRATIVE_LICENCE and c.situations)
    item, situation = choice.item_code, choice.situations[0].code
    window, ops, _ = open_window(qtbot, services)
    page = window.workspace.page("审批流程")
    qtbot.waitUntil(lambda: page.keys.count() > 0, timeout=15000)
    with qtbot.waitSignal(page.sig_opened, timeout=10000) as opened:
        page.select(item, situation)
    body = opened.args[0]
    assert body["version"] == 1 and page.steps.rowCount() == len(body["steps"])
    assert page.problems == [] and not page.publish.isEnabled()  # valid, and nothing to publish yet
    assert page.versions.rowCount() == 1 and page.versions.item(0, 0).text() == "v1"

    page.promised.setValue(body["statutory_limit_days"] + 1)
    assert _codes(page) == {"bad_limits"} and not page.publish.isEnabled()
    assert "承诺时限" in page.problem_list.item(0).text()
    page.promised.setValue(body["promised_limit_days"])
    assert page.problems == []

    page.add_step()  # a review step just before the decision
    names = [s["name"] for s in page.body["steps"]]
    new = names.index("review_2")
    assert names[new + 1] == "decide" and page.problems == [] and page.publish.isEnabled()
    page.steps.item(new, 1).setText("现场核查")
    roles = page.steps.cellWidget(new, 2)  # the role is picked from the real roles, not typed
    offered = [roles.itemData(i) for i in range(roles.count())]
    assert not roles.isEditable() and {"clerk", "reviewer", "verifier", "head", "licence_officer"} <= set(offered)
    assert "admin" not in offered and "supervisor" not in offered
    assert roles.currentData() == "approver" and "审批人员" in roles.currentText()
    roles.setCurrentIndex(roles.findData("verifier"))
    page.steps.selectRow(new)
    shoot(qtbot, screenshot, window, "admin-definitions-roles")
    assert page.body["steps"][new]["role"] == "verifier"
    page.steps.item(new - 1, 5).setText("check")  # verify and the new step run in parallel ...
    page.steps.item(new, 5).setText("check")
    assert "bad_parallel_group" in _codes(page) and not page.publish.isEnabled()  # ... once they say how to join
    for row in (new - 1, new):
        page.steps.cellWidget(row, 6).setCurrentIndex(1)  # 全部通过
    assert page.problems == []
    page.steps.selectRow(new)
    page.action_boxes["return"].setChecked(True)
    assert _codes(page) == {"bad_return"}
    assert "须选择退回目标" in page.problem_list.item(0).text()
    page.return_boxes["review"].setChecked(True)
    assert page.problems == [] and page.publish.isEnabled()
    shoot(qtbot, screenshot, window, "admin-definitions-edit")

    with qtbot.waitSignal(page.sig_changed, timeout=10000) as published:
        page.publish_version()
    assert published.args[0]["version"] == 2
    assert "已发布第 2 版" in page.message.text()
    assert [page.versions.item(r, 0).text() for r in range(page.versions.rowCount())] == ["v2", "v1"]
    assert not page.publish.isEnabled()
    assert page.keys.currentItem().text().endswith("（v2）")

    services.sync.sync_once()  # the workstation's next pull
    latest = services.cases.definitions.latest(item, situation)
    assert latest.version == 2
    step = latest.step("review_2")
    assert (step.display_name, step.role, step.parallel_group, step.return_to) == ("现场核查", "verifier", "check",
                                                                                  ("review",))
    page.steps.selectRow(new)
    shoot(qtbot, screenshot, window, "admin-definitions-published")
    ops.wait()


def test_a_refused_publication_shows_the_servers_reasons(qtbot, server_url, sqlite_database, tmp_path) -> None:  # noqa: ANN001
    services = _services(tmp_path, server_url, sqlite_database)
    choice = next(c for c in services.catalogue.choices if c.category == ADMINISTRATIVE_LICENCE and c.situations)
    window, ops, _ = open_window(qtbot, services)
    page = window.workspace.page("审批流程")
    qtbot.waitUntil(lambda: page.keys.count() > 0, timeout=15000)
    with qtbot.waitSignal(page.sig_opened, timeout=10000):
        page.select(choice.item_code, choice.situations[0].code)
    page.promised.setValue(1)
    # The page publishes only what its validator passes; a body broken behind its back is refused by the
    # server with the same reasons.
    page.body["statutory_limit_days"] = 0
    with qtbot.waitSignal(page.sig_changed, timeout=10000) as refused:
        page.publish_version()
    assert refused.args[0].code == "invalid_definition"
    assert "时限有误" in page.message.text()
    ops.wait()


def test_a_role_no_account_holds_is_shown_marked_and_can_be_replaced(qtbot, server_url, sqlite_database,
                                                                     tmp_path) -> None:  # noqa: ANN001
    """A definition published before the picker may name a free-text role: it stays visible (marked), and the
    admin replaces it with a real one."""
    services = _services(tmp_path, server_url, sqlite_database)
    choice = next(c for c in services.catalogue.choices if c.category == ADMINISTRATIVE_LICENCE and c.situations)
    window, ops, _ = open_window(qtbot, services)
    page = window.workspace.page("审批流程")
    qtbot.waitUntil(lambda: page.keys.count() > 0, timeout=15000)
    with qtbot.waitSignal(page.sig_opened, timeout=10000):
        page.select(choice.item_code, choice.situations[0].code)
    body = dict(page.body, steps=[dict(s) for s in page.body["steps"]])
    body["steps"][1]["role"] = "inspector"
    page._fill(body)
    picker = page.steps.cellWidget(1, 2)
    assert picker.currentData() == "inspector" and "不是现有角色" in picker.currentText()
    picker.setCurrentIndex(picker.findData("reviewer"))
    assert page.body["steps"][1]["role"] == "reviewer" and page.problems == []
    ops.wait()
