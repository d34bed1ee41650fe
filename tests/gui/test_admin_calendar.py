"""节假日历 against a live server: in December 2026 with 2027 missing, the admin sees the banner and the page
opens on 2027; pasting the State Council notice enters the year (the banner goes once the workstation has
pulled it); an unreadable list is refused with its line and nothing is entered; a local closure is set and
removed. The deadline screens (approver, supervisor) carry the late banner until the year is entered."""

from __future__ import annotations

import datetime as dt

import requests
from sqlalchemy import select

from client.services.context import build_services
from client.services.workstation import Workstation
from server.store.models import AuditEntry
from shared.queue.clock import CHINA_TZ
from tests.client.support import Clock, make_cache
from tests.gui.admin_calendar_steps import (HOLIDAYS_2027, MAKEUP_DAYS_2027, NOTICE_2027, NOTICE_NUMBER,
                                            enter_2027_calendar)
from tests.gui.client_support import open_window, shoot
from tests.gui.test_device_alerts import _signed_in
from tests.sync.support import demo_hall, new_device

DECEMBER = dt.datetime(2026, 12, 7, 10, 0, tzinfo=CHINA_TZ)


def _services(tmp_path, server_url, database, role: str = "admin"):  # noqa: ANN001, ANN202
    hall_id, windows = demo_hall(database)
    device_id, token = new_device(database, "workstation", hall_id, windows[0], name=f"{role}工作站")
    ws = Workstation(tmp_path / role, server_url=server_url, window_number=1, device_id=device_id,
                     device_token=token)
    return build_services(ws, _signed_in(server_url, device_id, role), make_cache(tmp_path / f"{role}.sqlite3"),
                          clock=Clock(DECEMBER))


def _table(page) -> dict[str, list[str]]:  # noqa: ANN001
    return {page.days.item(r, 0).text(): [page.days.item(r, c).text() for c in range(5)]
            for r in range(page.days.rowCount())}


def test_the_admin_enters_2027_from_the_notice_and_the_banner_goes(qtbot, server_url, sqlite_database, tmp_path,
                                                                     screenshot) -> None:  # noqa: ANN001
    services = _services(tmp_path, server_url, sqlite_database)
    window, ops, _ = open_window(qtbot, services)
    workspace = window.workspace
    assert workspace.banner.isVisible() and "2027年节假日安排尚未录入" in workspace.banner.text()
    page = workspace.page("节假日历")
    qtbot.waitUntil(lambda: page.shown is not None, timeout=10000)
    assert page.year.value() == 2027 and page.shown["status"] == "missing" and page.days.rowCount() == 0
    assert "尚未录入" in page.status.text()
    shoot(qtbot, screenshot, window, "admin-calendar-missing")

    enter_2027_calendar(qtbot, workspace)
    rows = _table(page)
    assert len(rows) == HOLIDAYS_2027 + MAKEUP_DAYS_2027
    assert rows["2027-02-05"][1:4] == ["星期五", "放假", f"{NOTICE_NUMBER} 春节"]
    assert rows["2027-02-14"][1:3] == ["星期日", "上班"] and rows["2027-02-14"][4] == "管理员录入"
    assert "已由管理员录入" in page.status.text() and "已导入" in page.message.text()
    # The edit pulled to this workstation: its calendar knows 2027 and the banner is gone.
    assert services.cases.calendar.knows_year(2027) and not services.cases.calendar.is_workday(dt.date(2027, 2, 5))
    assert not workspace.banner.isVisible()
    # ... and the server counts with it.
    due = requests.get(f"{server_url}/api/v1/calendar/due", params={"start": "2027-02-04", "workdays": 1},
                       timeout=10).json()["due"]
    assert due == "2027-02-12"  # 5–11 holidays, 12 a Friday
    # The audit row names the workstation the admin signed in on, with the year before and after.
    with sqlite_database.session() as s:
        (entry,) = s.scalars(select(AuditEntry).where(AuditEntry.action == "calendar.import")).all()
    assert (entry.actor, entry.device_id) == ("admin", services.sync.device_id)
    assert entry.detail["before"]["status"] == "missing" and entry.detail["after"]["status"] == "published"
    page.days.selectRow(0)
    shoot(qtbot, screenshot, window, "admin-calendar-2027")
    ops.wait()


def test_an_unreadable_list_is_refused_with_its_line(qtbot, server_url, sqlite_database, tmp_path,
                                                     screenshot) -> None:  # noqa: ANN001
    services = _services(tmp_path, server_url, sqlite_database)
    window, ops, _ = open_window(qtbot, services)
    page = window.workspace.page("节假日历")
    qtbot.waitUntil(lambda: page.shown is not None, timeout=10000)
    page.text.setPlainText("2027-01-01,holiday,元旦\n2027-02-05,holiday,春节\n2027-02-31,holiday,春节\n")
    page.notice.setText(NOTICE_NUMBER)
    with qtbot.waitSignal(page.sig_changed, timeout=10000) as changed:
        page.run_import()
    assert changed.args[0].code == "calendar_import_invalid"
    assert "第3行" in page.message.text() and "不是有效日期" in page.message.text()
    assert requests.get(f"{server_url}/api/v1/calendar/years/2027", timeout=10).json()["days"] == []
    shoot(qtbot, screenshot, window, "admin-calendar-refused")
    page.notice.setText("")
    page.run_import()  # no notice number: refused on the page, nothing sent
    assert "通知文号" in page.message.text()
    # A notice saved by Notepad on a Chinese Windows (GBK) is read as text; a binary file is refused.
    saved = tmp_path / "通知.txt"
    saved.write_bytes(NOTICE_2027.encode("gb18030"))
    page.load_file(saved)
    qtbot.waitUntil(lambda: page.text.toPlainText() == NOTICE_2027, timeout=5000)
    binary = tmp_path / "photo.csv"
    binary.write_bytes(bytes(range(128, 256)) * 4)
    with qtbot.waitSignal(page.sig_changed, timeout=5000) as unreadable:
        page.load_file(binary)
    assert unreadable.args[0].code == "calendar_file_unreadable" and "不是文本文件" in page.message.text()
    ops.wait()


def test_a_local_closure_is_set_and_removed(qtbot, server_url, sqlite_database, tmp_path) -> None:  # noqa: ANN001
    services = _services(tmp_path, server_url, sqlite_database)
    window, ops, _ = open_window(qtbot, services)
    page = window.workspace.page("节假日历")
    qtbot.waitUntil(lambda: page.shown is not None, timeout=10000)
    with qtbot.waitSignal(page.sig_loaded, timeout=10000):
        page.year.setValue(2026)
    official = len(_table(page))
    page.day.setText("2026-12-24")
    page.kind.setCurrentIndex(2)  # 本地停办
    page.day_notice.setText("系统升级")
    with qtbot.waitSignal(page.sig_changed, timeout=10000):
        page.save_day()
    assert _table(page)["2026-12-24"][2:5] == ["放假", "本地停办：系统升级", "管理员录入"]
    assert services.cases.calendar.is_workday(dt.date(2026, 12, 24)) is False  # pulled here too
    page.day.setText("2026-12-32")
    page.save_day()
    assert "YYYY-MM-DD" in page.message.text()
    page.day.setText("2026-12-24")
    with qtbot.waitSignal(page.sig_changed, timeout=10000):
        page.clear_day()
    assert "2026-12-24" not in _table(page) and len(_table(page)) == official
    ops.wait()


def test_deadline_screens_warn_until_the_year_is_entered(qtbot, server_url, sqlite_database, tmp_path,
                                                         screenshot) -> None:  # noqa: ANN001
    supervisor = _services(tmp_path, server_url, sqlite_database, "supervisor")
    window, ops, _ = open_window(qtbot, supervisor)
    banner = window.workspace.cases.calendar_banner
    assert banner.isVisible() and "进入2027年的办理期限按周末规则暂估" in banner.text()
    shoot(qtbot, screenshot, window, "supervisor-calendar-banner")
    admin = _services(tmp_path, server_url, sqlite_database, "admin")
    admin_window, admin_ops, _ = open_window(qtbot, admin)
    enter_2027_calendar(qtbot, admin_window.workspace)
    supervisor.sync.sync_once()  # the supervisor's next sync
    window.workspace.cases.reload()
    assert not banner.isVisible()
    admin_ops.wait()
    ops.wait()
