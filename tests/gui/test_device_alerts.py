"""A paper-out at the dispenser reaches the supervisor: the dispenser reports it as a fact, the server folds it
into the dispenser's health, the supervisor's client shows a red banner and the 设备状态 tab within seconds,
and GET /api/v1/devices lists the fault; refilling the paper ends it everywhere."""

from __future__ import annotations

import time

import requests

from client.services.context import build_services
from client.services.auth import StaffSession
from client.services.workstation import Workstation
from drivers.config import settings_from_mapping
from drivers.factory import ticket_printer
from drivers.qt.devices import PrinterAdapter
from drivers.sim.host import SimHost
from drivers.sim.printer import PrinterSimulator
from gui.ops import Ops
from gui.device_health import HealthReporter
from shared.sync.loop import SyncLoop
from shared.sync.client import SyncClient
from shared.sync.transport import HttpTransport
from tests.client.support import Clock, make_cache
from tests.gui.client_support import open_window
from tests.gui.test_workstation_sync import PII_KEYS
from tests.kiosk.conftest import MONDAY_10
from tests.sync.support import demo_hall, new_device

ALERT_BOUND = 5.0  # seconds from the paper running out to the supervisor's banner (measured: about 1 s here)


def _login(url: str, username: str) -> str:
    r = requests.post(f"{url}/api/v1/auth/login", json={"username": username, "password": "GovHall@2026"}, timeout=10)
    return r.json()["token"]


def _signed_in(url: str, device_id: str, username: str) -> StaffSession:
    body = requests.post(f"{url}/api/v1/auth/login", json={"username": username, "password": "GovHall@2026",
                                                           "device_id": device_id}, timeout=10).json()
    user = body["user"]
    return StaffSession(user["username"], user["display_name"], user["staff_no"], tuple(user["roles"]),
                        user.get("hall_id"), user.get("department_id"), body["token"], offline=False)


def _devices(url: str, token: str) -> dict[str, dict]:
    r = requests.get(f"{url}/api/v1/devices", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert r.status_code == 200, r.text
    return {d["id"]: d for d in r.json()["devices"]}


def test_paper_out_at_the_dispenser_alerts_the_supervisor(qtbot, server_url, sqlite_database, tmp_path,
                                                          monkeypatch, screenshot):  # noqa: ANN001
    """The printer runs out of paper while nobody prints: the dispenser's printer adapter notices it at its
    next status query, the dispenser's health reporter records the fault, its sync loop pushes it, and the
    supervisor's client (its own sync loop) shows it. Then paper is refilled and it all ends."""
    for name, value in PII_KEYS.items():
        monkeypatch.setenv(name, value)
    hall_id, windows = demo_hall(sqlite_database)
    dispenser_id, token = new_device(sqlite_database, "dispenser", hall_id, name="一楼取号机")
    dispenser = SyncClient(make_cache(tmp_path / "dispenser.sqlite3"), device_id=dispenser_id, token=token,
                           transport=HttpTransport(server_url))
    paper = PrinterSimulator()
    host = SimHost(paper, kind="tcp").start()
    settings = settings_from_mapping("printer", {"transport": "network", "host": "127.0.0.1",
                                                 "tcp_port": host.tcp_port, "timeout": 1.0})
    printer = PrinterAdapter(ticket_printer(settings), status_every=0.5)  # the kiosk's default: 5 s
    dispenser_ops = Ops()
    health = HealthReporter(dispenser, dispenser_ops, lambda: MONDAY_10)  # as kiosk.app.Kiosk holds it
    health.watch(printer, "printer")

    # The supervisor's desk: a workstation signed in as the supervisor, its sync loop running as in the app.
    device_id, ws_token = new_device(sqlite_database, "workstation", hall_id, windows[0], name="督查工作站")
    ws = Workstation(tmp_path, server_url=server_url, window_number=1, device_id=device_id, device_token=ws_token)
    s = build_services(ws, _signed_in(server_url, device_id, "supervisor"), make_cache(tmp_path / "cache.sqlite3"),
                       clock=Clock())
    s.sync.sync_once()
    window, ops, _ = open_window(qtbot, s)
    loops = [SyncLoop(s.sync, poll_timeout=1.0), SyncLoop(dispenser, poll_timeout=1.0)]
    for loop in loops:
        loop.start()
    printer.start()
    try:
        qtbot.wait(700)  # a status query or two: all is well
        assert not window.fault_banner.isVisible()
        paper.paper_out = True
        out_at = time.monotonic()
        qtbot.waitUntil(lambda: window.fault_banner.isVisible(), timeout=int(ALERT_BOUND * 1000))
        took = time.monotonic() - out_at
        assert "一楼取号机：打印机缺纸" in window.fault_banner.text(), window.fault_banner.text()
        table = window.workspace.devices.table
        qtbot.waitUntil(lambda: table.rowCount() == 1)
        assert [table.item(0, c).text() for c in range(3)] == ["一楼取号机", "取号机", "打印机缺纸"]
        window.workspace.devices.parent().parent().setCurrentWidget(window.workspace.devices)
        qtbot.wait(100)
        screenshot(window, "client/supervisor-device-alert")
        print(f"paper out → supervisor banner: {took:.2f} s (status query every 0.5 s here)")

        supervisor = _login(server_url, "supervisor")
        listed = _devices(server_url, supervisor)[dispenser_id]
        assert [(f["part"], f["code"]) for f in listed["faults"]] == [("printer", "printer_paper_out")]
        assert listed["kind"] == "dispenser" and listed["last_seen_at"] is not None
        assert listed["app_version"] and listed["outbox_pending"] is not None

        paper.paper_out = False  # refilled
        qtbot.waitUntil(lambda: not window.fault_banner.isVisible(), timeout=int(ALERT_BOUND * 1000))
        assert _devices(server_url, supervisor)[dispenser_id]["faults"] == []
    finally:
        printer.stop()
        host.stop()
        for loop in loops:
            loop.stop()
        ops.wait()
        dispenser_ops.wait()


def test_the_device_list_is_for_supervisors_and_admins_of_the_hall(server_url, sqlite_database) -> None:  # noqa: ANN001
    clerk = _login(server_url, "clerk")
    r = requests.get(f"{server_url}/api/v1/devices", headers={"Authorization": f"Bearer {clerk}"}, timeout=10)
    assert r.status_code == 403 and r.json()["error"]["code"] == "role_required"
    admin = _login(server_url, "admin")
    hall_id, _ = demo_hall(sqlite_database)
    r = requests.get(f"{server_url}/api/v1/devices", params={"hall_id": hall_id + 99},
                     headers={"Authorization": f"Bearer {admin}"}, timeout=10)
    assert r.status_code == 403 and r.json()["error"]["code"] == "hall_forbidden"
    r = requests.put(f"{server_url}/api/v1/halls/{hall_id}/notice", json={"text": "x" * 501},
                     headers={"Authorization": f"Bearer {admin}"}, timeout=10)
    assert r.status_code == 422
    r = requests.put(f"{server_url}/api/v1/halls/{hall_id}/notice", json={"text": "欢迎"},
                     headers={"Authorization": f"Bearer {_login(server_url, 'supervisor')}"}, timeout=10)
    assert r.status_code == 403
