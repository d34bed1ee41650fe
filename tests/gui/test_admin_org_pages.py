"""Issue 14 parts 1-2 in the admin workspace against a live server: a centre admin sets up a new hall (floors,
windows, a business with its quota, a window serving it, a clerk) through the 组织机构, 排队规则 and 人员 pages,
meets the refusals in Chinese, previews the dispenser's answer on draft rules, and reads the role matrix; a hall
admin's new window and business reach the hall's workstation on its next pull."""

from __future__ import annotations

import requests
from sqlalchemy import select

from client.services.context import build_services
from gui.qt import QImage
from client.services.workstation import Workstation
from server.store.models import AuditEntry
from shared.db.models import Business, Window
from tests.access.support import add_staff
from tests.client.support import Clock, make_cache
from tests.gui import admin_steps as steps
from tests.gui.client_support import open_window, shoot
from tests.gui.test_device_alerts import _signed_in
from tests.sync.support import demo_hall, new_device


def _services(tmp_path, server_url, database, username):  # noqa: ANN001, ANN202
    hall_id, windows = demo_hall(database)
    device_id, token = new_device(database, "workstation", hall_id, windows[0], name="管理工作站")
    ws = Workstation(tmp_path, server_url=server_url, window_number=1, device_id=device_id, device_token=token)
    return build_services(ws, _signed_in(server_url, device_id, username), make_cache(tmp_path / "cache.sqlite3"),
                          clock=Clock())


def test_a_centre_admin_sets_up_a_new_hall(qtbot, server_url, sqlite_database, tmp_path,
                                           screenshot) -> None:  # noqa: ANN001
    with sqlite_database.session() as s:
        add_staff(s, "centre-admin", None, "admin")
    services = _services(tmp_path, server_url, sqlite_database, "centre-admin")
    window, ops, _ = open_window(qtbot, services)
    workspace = window.workspace

    steps.create_centre(qtbot, workspace, "SSH", "松山湖政务服务中心")
    org = workspace.page("组织机构")
    assert org.centre.currentText() == "SSH — 松山湖政务服务中心"
    hall_id = steps.create_hall(qtbot, workspace, "NEW-HALL", "松山湖分厅", "松山湖大道1号")
    assert hall_id is not None
    steps.add_floor(qtbot, workspace, "NEW-HALL", 1, "一楼")
    steps.add_floor(qtbot, workspace, "NEW-HALL", 2, "二楼")
    steps.add_floor(qtbot, workspace, "NEW-HALL", 3, "三楼")
    org = workspace.page("组织机构")
    org.floor_table.selectRow(2)
    org.floor_level.setValue(2)  # a level the hall has already
    steps.act(qtbot, org, org.save_floor, expect="floor_level_taken")
    org.floor_level.setValue(3)
    org.floor_name.setText("三楼办事区")
    steps.act(qtbot, org, org.save_floor)
    assert org.floor_table.item(2, 1).text() == "三楼办事区"
    steps.add_window(qtbot, workspace, "NEW-HALL", 1, "综合受理窗口", floor="一楼", led="1")
    steps.add_window(qtbot, workspace, "NEW-HALL", 2, "社保窗口", floor="二楼", led="2")
    steps.add_window(qtbot, workspace, "NEW-HALL", 1, "重复窗口", expect="window_number_taken")
    org = workspace.page("组织机构")
    assert "本大厅已有该编号的窗口" in org.status.text()
    assert [org.window_table.item(r, 0).text() for r in range(org.window_table.rowCount())] == ["1", "2"]
    assert org.window_table.item(1, 2).text() == "二楼" and org.window_table.item(1, 3).text() == "2"
    # the hall's 公网地址 (issue 17): a path trick refused in plain words, a plain https address kept
    org.hall_public_url.setText("https://zwfw.example.cn/../admin")
    refused = steps.act(qtbot, org, org.save_hall, expect="invalid_public_url")
    assert "公网地址有误" in refused and "路径只能是简单前缀" in refused
    org.hall_public_url.setText("https://SSH.example.cn/")
    steps.act(qtbot, org, org.save_hall)
    assert org.hall_public_url.text() == "https://ssh.example.cn"  # as kept, read back with the hall
    shoot(qtbot, screenshot, window, "admin-organisation")

    steps.add_business(qtbot, workspace, "NEW-HALL", "A", "综合业务", daily=100, am=60, pm=40,
                       opens="08:30", closes="17:00", lunch=("12:00", "13:30"))
    queue = workspace.page("排队规则")
    steps.select_business(qtbot, queue, "A")
    steps.set_quota(qtbot, queue, daily=50, am=60)
    steps.act(qtbot, queue, queue.save_quota, expect="quota_am_exceeds_day")
    assert "上午限号不能超过全天限号" in queue.status.text()
    assert queue.businesses.item(0, 2).text() == "100"  # the refused quota changed nothing
    steps.serve(qtbot, workspace, "NEW-HALL", window=1, prefix="A")
    assert queue.levels.cellWidget(0, 0).value() == 1 and queue.levels.cellWidget(1, 0).value() == 0

    # the preview: the draft on the page, not what is saved
    steps.select_business(qtbot, queue, "A")
    queue.lunch_rule.setCurrentIndex(queue.lunch_rule.findData(True))
    queue.at.setText("11:50")
    queue.issued_day.setValue(59)
    queue.issued_am.setValue(59)
    queue.run_preview()
    assert "出号" in queue.answer.text() and "上午还剩0个号" in queue.answer.text()
    queue.issued_day.setValue(60)
    queue.issued_am.setValue(60)
    queue.run_preview()
    assert "不出号" in queue.answer.text() and "上午该业务号已取完" in queue.answer.text()
    queue.at.setText("12:10")
    queue.issued_day.setValue(0)
    queue.issued_am.setValue(0)
    queue.run_preview()
    assert "午休" in queue.answer.text() and "13:30恢复取号" in queue.answer.text()
    queue.lunch_rule.setCurrentIndex(queue.lunch_rule.findData(False))  # 中午不打烊, still unsaved
    queue.run_preview()
    assert queue.answer.text().startswith("12:10 取A类号 → 出号")
    queue.am.setValue(120)
    queue.run_preview()
    assert queue.answer.text() == "规则有误：上午限号不能超过全天限号"
    queue.am.setValue(60)
    queue.at.setText("11:50")
    queue.issued_day.setValue(12)
    queue.issued_am.setValue(12)
    queue.run_preview()
    # 优先类别: business A offers only 孕妇 and 军人; the dispenser reads it from the published rules
    steps.select_business(qtbot, queue, "A")
    assert queue.businesses.item(0, 6).text() == "老年人、残疾人、孕妇、军人"  # not set yet: all offered
    queue.green["elderly"].setChecked(False)
    queue.green["disabled"].setChecked(False)
    steps.act(qtbot, queue, queue.save_priority_classes)
    assert queue.businesses.item(0, 6).text() == "孕妇、军人"
    a_id = queue.config["businesses"][0]["id"]
    assert queue.config["rules"]["green_reasons_by_business"] == {str(a_id): ["pregnant", "veteran"]}
    steps.select_business(qtbot, queue, "A")
    assert not queue.green["elderly"].isChecked() and queue.green["veteran"].isChecked()
    queue.run_preview()
    shoot(qtbot, screenshot, window, "admin-queue-rules")

    password = steps.add_clerk(qtbot, workspace, "NEW-HALL", "songshan01", "李明", "SS0001", window=1,
                               roles=("clerk", "reviewer"))
    assert password and len(password) >= 12
    steps.add_clerk(qtbot, workspace, "NEW-HALL", "songshan01", "李明二", "SS0002", expect="username_taken")
    people = workspace.page("人员")
    assert "用户名已被使用" in people.status.text()
    assert people.people.item(0, 1).text() == "songshan01" and people.people.item(0, 4).text() == "1号"
    photo = QImage(60, 80, QImage.Format.Format_RGB32)
    photo.fill(0x3366AA)
    assert photo.save(str(tmp_path / "li.png"), "PNG")
    (tmp_path / "li.gif").write_bytes(b"GIF89a")
    steps.upload_photo(qtbot, workspace, "NEW-HALL", "songshan01", tmp_path / "li.gif", expect="invalid_photo")
    steps.upload_photo(qtbot, workspace, "NEW-HALL", "songshan01", tmp_path / "li.png")
    assert people.people.item(0, 6).text() == "有"
    shoot(qtbot, screenshot, window, "admin-staff")
    login = requests.post(f"{server_url}/api/v1/auth/login", json={"username": "songshan01", "password": password},
                          timeout=10).json()
    assert login["password_change_required"] is True

    matrix = workspace.page("角色权限")
    steps.wait_loaded(qtbot, matrix)
    routes = [matrix.matrix.item(r, 0).toolTip() for r in range(matrix.matrix.rowCount())]
    row = routes.index("POST /api/v1/admin/halls/{hall_id}/windows")
    assert matrix.matrix.item(row, 0).text() == "新建/执行 大厅·窗口"
    admin_column = 1 + [matrix.roles_table.item(r, 0).text() for r in range(matrix.roles_table.rowCount())].index("admin")
    assert matrix.matrix.item(row, admin_column).text() == "✓ 本厅" and matrix.matrix.item(row, 1).text() == ""
    shoot(qtbot, screenshot, window, "admin-role-matrix")
    ops.wait()


def test_a_new_window_and_business_reach_the_workstation(qtbot, server_url, sqlite_database,
                                                         tmp_path) -> None:  # noqa: ANN001
    services = _services(tmp_path, server_url, sqlite_database, "admin")
    window, ops, _ = open_window(qtbot, services)
    workspace = window.workspace
    hall = workspace.page("组织机构")
    steps.wait_loaded(qtbot, hall)
    code = hall.hall.current()["code"]
    steps.add_window(qtbot, workspace, code, 31, "新开窗口", led="31")
    steps.add_business(qtbot, workspace, code, "Q", "企业开办", daily=80)
    steps.create_hall(qtbot, workspace, "NOT-MINE", "别的大厅", expect="hall_forbidden")  # a hall admin
    with sqlite_database.session() as s:  # who, from which workstation, before and after
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "org.window.create")).one()
        assert (entry.actor, entry.device_id) == ("admin", services.sync.device_id)
        assert entry.detail["before"] is None and entry.detail["after"]["led_address"] == "31"
    services.sync.pull()
    with services.engine.connect() as conn:
        assert conn.execute(select(Window.name).where(Window.number == 31)).scalar_one() == "新开窗口"
        assert conn.execute(select(Business.name).where(Business.prefix == "Q")).scalar_one() == "企业开办"
    ops.wait()
