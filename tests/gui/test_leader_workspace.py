"""领导 on the real widgets, offline: the demo leader signs in to the hall dashboard (desk and wall mode), 统计分析
and the read-only overviews — late cases by department and step, 督办 replies, every department's 差评 —
with no case list, no case action and no 差评 action anywhere on the screen."""

from __future__ import annotations


from client.widgets.action_box import ActionBox
from client.workspaces.approver.workspace import ApproverWorkspace
from client.workspaces.leader.workspace import LeaderWorkspace
from shared.demo.dongguan_hall import USERS
from tests.client.support import Clock, make_cache, services, staff
from tests.gui.client_support import open_window, shoot
from tests.gui.test_rectification_screens import NOW, _seed


def test_the_leader_sees_the_figures_and_acts_on_nothing(qtbot, tmp_path, screenshot) -> None:  # noqa: ANN001
    assert ("leader", ("leader",)) in {(u[0], u[4]) for u in USERS}  # the demo's leader account
    engine = make_cache(tmp_path / "cache.sqlite3")
    records = _seed(engine)
    leader = services(tmp_path / "l", staff("leader", name="张明远"), Clock(NOW), window=None, engine=engine)
    assert leader.session.roles == ("leader",) and leader.session.primary_role == "leader"
    window, _, _ = open_window(qtbot, leader)
    ws = window.workspace
    assert isinstance(ws, LeaderWorkspace)
    assert [ws.pages.tabText(i) for i in range(ws.pages.count())] == ["大厅看板", "统计分析", "超期预警", "督办回复",
                                                                      "差评整改"]
    assert window.findChildren(ApproverWorkspace) == [] and window.findChildren(ActionBox) == []
    assert "领导" in " ".join(label.text() for label in window.findChildren(type(ws.dashboard.title)))

    with qtbot.waitSignal(ws.dashboard.sig_shown, timeout=20000) as shown:
        ws.dashboard.refresh()
    assert shown.args[0].bad_today == 0  # the seeded 差评 were rated before today
    shoot(qtbot, screenshot, window, "leader-dashboard")
    wall = ws.dashboard.open_wall()
    qtbot.waitUntil(lambda: wall.tiles["waiting"].value.text() == ws.dashboard.tiles["waiting"].value.text())
    wall.showNormal()
    shoot(qtbot, screenshot, wall, "leader-dashboard-wall")
    wall.close()

    ws.pages.setCurrentWidget(ws.statistics)
    shoot(qtbot, screenshot, window, "leader-statistics")

    panel = ws.rectification
    ws.pages.setCurrentWidget(panel)
    qtbot.waitUntil(lambda: len(panel.views) == 3)  # every department's, not one department's
    assert {v.id for v in panel.views} == {r["id"] for r in records.values()}
    assert all(v.actions == () for v in panel.views)
    # by department, each 差评 against its record's department where this cache holds no ticket for it
    qtbot.waitUntil(lambda: "差评按部门：" in panel.summary.text())
    assert "未归属部门" not in panel.summary.text() and "计量科 1" in panel.summary.text()
    panel.table.selectRow(0)
    qtbot.waitUntil(lambda: panel.form.record_id == panel.views[0].id)
    assert panel.form.action.count() == 0 and not panel.form.submit.isEnabled()
    shoot(qtbot, screenshot, window, "leader-rectification")
