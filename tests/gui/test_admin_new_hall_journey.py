"""Issue 14's backbone: a new hall set up from nothing by its administrator, then run. An admin of no hall is
made as `python -m server create-admin` makes one and signs in on the desktop client (changing the initial
password); through the admin pages they create the centre, the hall, its floors, windows, businesses with
quotas, which window serves what, a clerk, the 2027 calendar, a dispenser, the clerk's workstation and an
approver workstation, where they then set the hall's notices (文书设置 edits the workstation's own hall) and
read the 审计日志. The dispenser is started from its saved config file (the objects `python -m kiosk` builds)
and issues a ticket; the clerk signs in on the workstation built from its saved workstation.toml (changing the
handed-over password) and calls that ticket. The server holds the demo hall (the fixtures load it) but nothing
of the new hall comes from it, and the admin works from a PC registered nowhere (`python -m client --server URL`
with no workstation.toml), as on a fresh server where no hall exists to register it in. (The catalogue is centre-wide:
the clerk's item list is the server's, demo items included; setting it up is not part of this journey.)

The hall clock is Sunday 2027-02-14 10:00: a weekend day the entered notice makes a working day (春节调休), so
the clerk's workstation must have pulled the admin's 2027 calendar to count it as one."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sys

import pytest
from sqlalchemy import select

from client.app import open_workstation_cache
from client.services.auth import workstation_auth
from client.services.context import build_services
from client.services.workstation import Workstation, load_workstation
from client.windows.login import LoginDialog
from client.workspaces.admin.workspace import AdminWorkspace
from drivers.config import settings_from_mapping
from drivers.sim.host import SimHost
from drivers.sim.printer import PrinterSimulator
from gui.ops import Ops
from gui.qt import QApplication, Qt
from kiosk.app import Kiosk
from kiosk.config import load as load_kiosk_config
from kiosk.flow.dispenser import Step
from server.credentials import create_admin
from server.queue.models import QueueTicket
from server.store.models import AuditEntry
from shared.queue.clock import CHINA_TZ
from shared.simulated_clock import SimulatedClock
from tests.gui import admin_steps as steps
from tests.gui.admin_calendar_steps import enter_2027_calendar
from tests.gui.admin_device_steps import register_device, register_dispenser
from tests.gui.client_support import OPEN_OPS, open_window, shoot, shoot_dialog
from tests.sync.support import demo_hall

NOW = dt.datetime(2027, 2, 14, 10, 0, tzinfo=CHINA_TZ)  # a Sunday worked in exchange for 春节
HALL = "XQ-HALL-1"
ADMIN_INITIAL, ADMIN_OWN = "Xinqu#Setup2027", "Xinqu#Admin2027!"
CLERK_OWN = "Chenjing#Desk2027"


@pytest.fixture
def server_clock() -> SimulatedClock:
    """One hall clock for the server, the dispenser and both workstations (running, so the call comes after
    the ticket)."""
    return SimulatedClock(NOW)


def _create_admin(settings, database, monkeypatch) -> None:  # noqa: ANN001
    """What `python -m server create-admin --username xq-admin --password-stdin` does (no --hall)."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(ADMIN_INITIAL + "\n"))
    args = argparse.Namespace(username="xq-admin", name="新区系统管理员", staff_no="XQ-ADMIN", hall=None,
                              password_stdin=True)
    assert create_admin.run(args, settings, database) == 0


def _sign_in(qtbot, workstation: Workstation, username: str, password: str, new: str | None,  # noqa: ANN001, ANN202
             screenshot=None, name: str = ""):  # noqa: ANN001
    """The login dialog, then (`new` given) the forced 修改密码 dialog a first login gets; the StaffSession."""
    ops = Ops()
    OPEN_OPS.append(ops)
    dialog = LoginDialog(workstation_auth(workstation), ops)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.username.setText(username)
    dialog.password.setText(password)
    if new is None:  # a password of one's own: straight in
        with qtbot.waitSignal(dialog.sig_logged_in, timeout=15000) as signed:
            dialog.submit.click()
        return signed.args[0]
    dialog.submit.click()
    qtbot.waitUntil(lambda: dialog.change is not None and dialog.change.isVisible(), timeout=15000)
    change = dialog.change
    change.current.setText(password)
    change.new.setText(new)
    change.again.setText(new)
    if screenshot is not None:
        shoot_dialog(qtbot, screenshot, change, name)
    with qtbot.waitSignal(dialog.sig_logged_in, timeout=15000) as signed:
        change.submit.click()
    session = signed.args[0]
    assert session.username == username and not session.must_change_password
    return session


def _services(workstation: Workstation, session, clock):  # noqa: ANN001, ANN202
    """As ClientApp builds them after login: the workstation's own cache (empty: no --demo), first pull done."""
    services = build_services(workstation, session, open_workstation_cache(workstation.cache_path, demo=False),
                              clock=clock)
    if services.registered:  # as open_main: only a registered workstation syncs
        services.sync.sync_once()
    return services


def _pick_device_hall(qtbot, workspace, code: str) -> None:  # noqa: ANN001
    page = workspace.page("设备管理")
    qtbot.waitUntil(lambda: any(h["code"] == code for h in page.halls), timeout=15000)
    page.hall_box.setCurrentIndex(next(i for i, h in enumerate(page.halls) if h["code"] == code))
    qtbot.waitUntil(lambda: page.hall()["code"] == code and page.register.window_box.count() > 0, timeout=15000)


def _server_ticket(database, ticket_id: str):  # noqa: ANN001, ANN202
    with database.session() as s:
        row = s.get(QueueTicket, ticket_id)
        return None if row is None else (row.display, row.state, row.print_state)


def test_an_admin_sets_up_a_new_hall_and_its_clerk_calls_the_first_ticket(
        qtbot, server_url, server_clock, sqlite_database, settings, tmp_path, monkeypatch,  # noqa: ANN001
        screenshot) -> None:  # noqa: ANN001
    _create_admin(settings, sqlite_database, monkeypatch)
    demo_id, _ = demo_hall(sqlite_database)
    # `python -m client --server URL` on a PC nobody registered yet: a fresh admin has no hall to put it in
    admin_ws = load_workstation(tmp_path / "admin", server_url)
    assert not admin_ws.registered
    session = _sign_in(qtbot, admin_ws, "xq-admin", ADMIN_INITIAL, ADMIN_OWN, screenshot, "journey-admin-password")
    assert session.roles == ("admin",) and session.hall_id is None
    window, ops, _ = open_window(qtbot, _services(admin_ws, session, server_clock))
    workspace = window.workspace
    assert isinstance(workspace, AdminWorkspace)

    # 组织机构: centre, hall, floors, windows
    steps.create_centre(qtbot, workspace, "XQ", "新区政务服务中心")
    assert steps.create_hall(qtbot, workspace, HALL, "新区政务服务大厅", "新区一路1号") is not None
    steps.add_floor(qtbot, workspace, HALL, 1, "一楼")
    steps.add_floor(qtbot, workspace, HALL, 2, "二楼")
    steps.add_window(qtbot, workspace, HALL, 1, "综合受理窗口", floor="一楼", led="1")
    steps.add_window(qtbot, workspace, HALL, 2, "社保窗口", floor="二楼", led="2")
    shoot(qtbot, screenshot, window, "journey-organisation")
    # 排队规则: businesses with their quotas, and which window serves which
    steps.add_business(qtbot, workspace, HALL, "A", "综合业务", daily=100, am=60, pm=40,
                       lunch=("12:00", "13:30"))
    steps.add_business(qtbot, workspace, HALL, "B", "社保业务", daily=50)
    steps.serve(qtbot, workspace, HALL, window=1, prefix="A")
    steps.serve(qtbot, workspace, HALL, window=2, prefix="B")
    shoot(qtbot, screenshot, window, "journey-queue-rules")
    # 人员: the clerk of window 1, with an initial password to hand over
    initial = steps.add_clerk(qtbot, workspace, HALL, "xq-clerk01", "陈静", "XQ0001", window=1)
    shoot(qtbot, screenshot, window, "journey-staff")
    # 节假日历: the State Council's notice for 2027
    enter_2027_calendar(qtbot, workspace)
    shoot(qtbot, screenshot, window, "journey-calendar")
    # 设备管理: the dispenser and the clerk's workstation, each config saved as a file to hand over
    _pick_device_hall(qtbot, workspace, HALL)
    dispenser_file = register_dispenser(qtbot, workspace, tmp_path / "dispenser", name="新区一楼取号机")
    workstation_file = register_device(qtbot, workspace, tmp_path / "counter-1", "clerk", window=1,
                                       name="新区1号窗口工作站")
    assert workstation_file.name == "workstation.toml"
    office_file = register_device(qtbot, workspace, tmp_path / "office", "approver", name="新区审批工作站")
    shoot(qtbot, screenshot, window, "journey-devices")
    ops.wait()

    # The dispenser, started from its file (a printer attached as the installer sets it up on the device).
    config = load_kiosk_config(dispenser_file, "dispenser")
    assert (config.server, config.hall) == (server_url, HALL)
    config.cache = tmp_path / "dispenser" / "kiosk.sqlite3"
    paper = PrinterSimulator()
    printer = SimHost(paper, kind="tcp").start()
    config.devices["printer"] = settings_from_mapping("printer", {"transport": "network", "host": "127.0.0.1",
                                                                  "tcp_port": printer.tcp_port})
    kiosk = Kiosk(config, QApplication.instance(), clock=server_clock)
    kiosk.start(windowed=True)
    try:
        home = kiosk.window
        assert home.desk.directory.hall_name == "新区政务服务大厅"
        assert sorted(e.business.prefix for e in kiosk.directory.entries) == ["A", "B"]
        qtbot.waitUntil(home.ready, timeout=15000)
        day = server_clock().astimezone(CHINA_TZ)
        assert f"{day.year}年{day.month}月{day.day}日" in home.header.clock.text()  # the hall clock's day
        shoot(qtbot, screenshot, home, "journey-dispenser")
        a = next(e.business.id for e in kiosk.directory.entries if e.business.prefix == "A")
        qtbot.mouseClick(home.home.tiles[a], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: home.flow.step is Step.ISSUED, timeout=15000)
        ticket = home.flow.prepared.ticket
        assert ticket.number == "A001" and "A001".encode() in bytes(paper.job)
        shoot(qtbot, screenshot, home, "journey-ticket")
        qtbot.waitUntil(lambda: _server_ticket(sqlite_database, ticket.id) == ("A001", "waiting", "printed"),
                        timeout=15000)  # the kiosk's sync loop pushed it
    finally:
        kiosk.stop()
        printer.stop()

    # 文书设置 opens on the hall of the workstation (the picker offers the halls this admin manages).
    office = load_workstation(office_file.parent)
    at_hall = _services(office, _sign_in(qtbot, office, "xq-admin", ADMIN_OWN, None), server_clock)
    office_window, office_ops, _ = open_window(qtbot, at_hall)
    notices = office_window.workspace.page("文书设置")
    qtbot.waitUntil(lambda: HALL in notices.codes.text(), timeout=15000)
    notices.edits["office_name"].setText("新区政务服务数据管理局")
    notices.edits["court"].setText("新区人民法院")
    with qtbot.waitSignal(notices.sig_saved, timeout=15000) as saved:
        notices.save_button.click()
    assert isinstance(saved.args[0], dict) and saved.args[0]["stored"], saved.args[0]
    shoot(qtbot, screenshot, office_window, "journey-notice-settings")
    # 审计日志: each change with who made it and from where
    audit = office_window.workspace.page("审计日志")
    # the default period (the last 7 days of the hall clock) finds them: the server stamps rows with that clock
    audit.actor.setText("xq-admin")
    with qtbot.waitSignal(audit.sig_loaded, timeout=15000) as loaded:
        audit.refresh()
    actions = [e["action"] for e in loaded.args[0]]
    today = server_clock().astimezone(CHINA_TZ).date()
    assert {dt.datetime.fromisoformat(e["at"]).astimezone(CHINA_TZ).date() for e in loaded.args[0]} == {today}
    assert {"org.centre.create", "org.hall.create", "org.floor.create", "org.window.create", "queue.business.create",
            "queue.quota", "queue.window.services", "staff.create", "calendar.import", "device_provision",
            "notice.settings"} <= set(actions)
    with sqlite_database.session() as s:  # the notices were changed from the hall's workstation, before → after
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "notice.settings")).one()
        assert (entry.actor, entry.device_id) == ("xq-admin", office.device_id)
        assert entry.detail["after"]["court"] == "新区人民法院"
    shoot(qtbot, screenshot, office_window, "journey-audit")
    office_ops.wait()

    # The clerk's workstation from its file; the first login changes the handed-over password.
    counter = load_workstation(workstation_file.parent)
    assert (counter.server_url, counter.window_number) == (server_url, 1)
    clerk_session = _sign_in(qtbot, counter, "xq-clerk01", initial, CLERK_OWN, screenshot,
                             "journey-clerk-password")
    assert clerk_session.roles == ("clerk",)
    clerk = _services(counter, clerk_session, server_clock)
    assert clerk.reference.hall_id != demo_id
    # the admin's calendar reached the counter: this Sunday is a working day, a Wednesday of 春节 is not
    assert clerk.cases.calendar.knows_year(2027)
    assert clerk.cases.calendar.is_workday(NOW.date())
    assert not clerk.cases.calendar.is_workday(dt.date(2027, 2, 10))
    # ... and the notices it prints offline carry the admin's settings
    assert clerk.acceptance.notices.settings().court == "新区人民法院"
    clerk_window, clerk_ops, _ = open_window(qtbot, clerk)
    panel = clerk_window.workspace.calling
    qtbot.waitUntil(lambda: panel.snapshot is not None and sum(panel.snapshot.waiting.values()) == 1,
                    timeout=15000)
    shoot(qtbot, screenshot, clerk_window, "journey-clerk-waiting")
    qtbot.mouseClick(panel.buttons["call_next"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.ticket.text() == "A001", timeout=15000)
    clerk_ops.wait()
    clerk.sync.sync_once()
    assert _server_ticket(sqlite_database, ticket.id)[:2] == ("A001", "called")
    shoot(qtbot, screenshot, clerk_window, "journey-clerk-called")
