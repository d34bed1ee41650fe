"""A paper-out at the dispenser reaches the supervisor: the dispenser reports it as a fact, the server folds it
into the dispenser's health, the supervisor's client shows a red banner and the 设备状态 tab within seconds of
the push, and GET /api/v1/devices lists the fault; a good print ends it everywhere."""

from __future__ import annotations

import time

import requests

from client.services.context import build_services
from client.services.auth import StaffSession
from client.services.workstation import Workstation
from kiosk.services.issuing import TicketDesk
from kiosk.services.reference import load_directory
from shared.sync.client import SyncClient
from shared.sync.transport import HttpTransport
from tests.client.support import Clock, make_cache
from tests.gui.client_support import open_window
from tests.gui.test_workstation_sync import PII_KEYS
from tests.kiosk.conftest import MONDAY_10
from tests.sync.support import demo_hall, new_device

ALERT_BOUND = 5.0  # seconds from the dispenser's push to the supervisor's banner (sync loop every 3 s at most)


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
    for name, value in PII_KEYS.items():
        monkeypatch.setenv(name, value)
    hall_id, windows = demo_hall(sqlite_database)
    dispenser_id, token = new_device(sqlite_database, "dispenser", hall_id, name="一楼取号机")
    dispenser = SyncClient(make_cache(tmp_path / "dispenser.sqlite3"), device_id=dispenser_id, token=token,
                           transport=HttpTransport(server_url))
    dispenser.sync_once()
    desk = TicketDesk(dispenser, load_directory(dispenser.engine), now=lambda: MONDAY_10)

    # The supervisor's desk: a workstation signed in as the supervisor, its sync loop running as in the app.
    device_id, ws_token = new_device(sqlite_database, "workstation", hall_id, windows[0], name="督查工作站")
    ws = Workstation(tmp_path, server_url=server_url, window_number=1, device_id=device_id, device_token=ws_token)
    session = _signed_in(server_url, device_id, "supervisor")
    s = build_services(ws, session, make_cache(tmp_path / "cache.sqlite3"), clock=Clock())
    s.sync.sync_once()
    window, ops, _ = open_window(qtbot, s)
    from shared.sync.loop import SyncLoop
    loop = SyncLoop(s.sync, poll_timeout=1.0)
    loop.start()
    try:
        assert not window.fault_banner.isVisible()
        desk.report_fault("printer_paper_out")  # what the dispenser does when a print fails for paper
        dispenser.sync_once()
        pushed = time.monotonic()
        qtbot.waitUntil(lambda: window.fault_banner.isVisible(), timeout=int(ALERT_BOUND * 1000))
        took = time.monotonic() - pushed
        assert "一楼取号机：打印机缺纸" in window.fault_banner.text(), window.fault_banner.text()
        table = window.workspace.devices.table
        qtbot.waitUntil(lambda: table.rowCount() == 1)
        assert [table.item(0, c).text() for c in range(3)] == ["一楼取号机", "取号机", "打印机缺纸"]
        window.workspace.devices.parent().parent().setCurrentWidget(window.workspace.devices)
        qtbot.wait(100)
        screenshot(window, "client/supervisor-device-alert")
        print(f"paper-out → supervisor banner: {took:.2f} s")

        supervisor = _login(server_url, "supervisor")
        listed = _devices(server_url, supervisor)[dispenser_id]
        assert [(f["part"], f["code"]) for f in listed["faults"]] == [("printer", "printer_paper_out")]
        assert listed["kind"] == "dispenser" and listed["last_seen_at"] is not None
        assert listed["app_version"] and listed["outbox_pending"] == 0

        desk.report_printed()  # paper refilled, the next ticket printed
        dispenser.sync_once()
        qtbot.waitUntil(lambda: not window.fault_banner.isVisible(), timeout=int(ALERT_BOUND * 1000))
        assert _devices(server_url, supervisor)[dispenser_id]["faults"] == []
    finally:
        loop.stop()
        ops.wait()


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
