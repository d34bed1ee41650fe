"""The workstation against the real server (approval handlers included) on loopback: online and offline in the
status bar; an acceptance made offline keeps the case number from its lease and is accepted by the server when
the network is back; a stale command refused by the server appears in the rejected panel with who changed the
case, and is acknowledged."""

from __future__ import annotations

import uuid

import requests

from client.services.acceptance import Application
from client.services.applicant import PERSON, Applicant
from client.services.auth import StaffSession
from client.services.context import build_services
from client.services.workstation import Workstation
from shared.sync.transport import HttpTransport
from tests.client.support import Clock, Offline, make_cache
from tests.gui.client_support import open_window, shoot, shoot_dialog
from tests.sync.support import demo_hall, new_device

PII_KEYS = {"GOVHALL_PII_KEYS": f"t1:{'3a' * 16}", "GOVHALL_PII_INDEX_KEY": "5c" * 32}


def _clerk(server_url: str, device_id: str) -> StaffSession:
    """Signed in on this workstation (the staff token is bound to the device)."""
    body = requests.post(f"{server_url}/api/v1/auth/login", json={"username": "clerk", "password": "GovHall@2026",
                                                                  "device_id": device_id}, timeout=10).json()
    user = body["user"]
    return StaffSession(user["username"], user["display_name"], user["staff_no"], tuple(user["roles"]),
                        user.get("hall_id"), user.get("department_id"), body["token"], offline=False)


def test_offline_acceptance_keeps_its_leased_number_and_syncs_later(qtbot, server_url, sqlite_database, tmp_path,
                                                                     screenshot, monkeypatch):  # noqa: ANN001
    for name, value in PII_KEYS.items():  # the server seals the applicant's ID with these
        monkeypatch.setenv(name, value)
    hall_id, windows = demo_hall(sqlite_database)
    device_id, token = new_device(sqlite_database, "workstation", hall_id, windows[0], name="counter 1")
    ws = Workstation(tmp_path, server_url=server_url, window_number=1, device_id=device_id, device_token=token)
    s = build_services(ws, _clerk(server_url, device_id), make_cache(tmp_path / "cache.sqlite3"), clock=Clock())
    s.sync.sync_once()  # online: the lease of today's case numbers arrives
    leased = [b for b in s.sync.leases.blocks() if b["series"] == "case" and b["state"] == "granted"]
    assert leased, "a block of case numbers is leased at start of day"
    window, ops, _ = open_window(qtbot, s)
    bar = window.sync_status
    qtbot.waitUntil(lambda: bar.status is not None and bar.status.online)
    assert "在线" in bar.online.text()

    s.sync.transport = Offline()  # the network goes down
    try:
        s.sync.sync_once()
    except Exception:  # noqa: BLE001 - recorded in the status: offline
        pass
    choice = next(c for c in s.catalogue.choices if c.situations)
    situation = choice.situations[0]
    outcome = s.acceptance.accept(Application(choice, situation.code,
                                              Applicant(PERSON, "张三", "11010519491231002X", from_card=True),
                                              tuple(m for m, _ in situation.materials)))
    first = min(b["first"] for b in leased)
    assert outcome.case_no == f"SL2026{first:06d}" and not outcome.offline_number
    bar.refresh()
    qtbot.waitUntil(lambda: "离线" in bar.online.text() and bar.status.pending == 2)  # receive + accept
    shoot(qtbot, screenshot, window, "clerk-offline")

    s.sync.transport = HttpTransport(server_url)  # back online: the outbox drains
    s.sync.sync_once()
    status = s.sync.status()
    assert status.pending == 0 and status.online and status.rejected == []
    confirmed = s.sync.confirmed("approval_case")[outcome.case_id]
    assert confirmed["case_number"] == outcome.case_no and confirmed["status"] == "in_review"
    assert "*" in confirmed["applicant_id_masked"]  # the server keeps the clear ID sealed

    # A command on a stale base (the case moved on since version 1) is refused by the server; its author
    # sees who changed the case and when in the rejected panel, and acknowledges it.
    s.sync.submit("approval.reject_application", 1,
                  {"command_id": str(uuid.uuid4()), "case_id": outcome.case_id, "device": device_id,
                   "at": Clock().now.isoformat(), "opinion": "", "attachments": [], "reason": "材料不全",
                   "legal_basis": "《行政许可法》第三十二条"},
                  base={"case": outcome.case_id, "expected_version": 1, "from_state": "received"})
    s.sync.sync_once()
    rejected = s.sync.status().rejected
    assert [(r.name, r.code) for r in rejected] == [("approval.reject_application", "stale_command")]
    assert rejected[0].details["changed_by"] == "clerk"
    bar.refresh()
    qtbot.waitUntil(lambda: bar.status is not None and len(bar.status.rejected) == 1)
    assert "被退回：1" in bar.rejected.text()
    dialog = bar.show_rejected()
    assert "办件已被他人处理" in dialog.table.item(0, 2).text() and "clerk" in dialog.table.item(0, 2).text()
    assert "T09:30" not in dialog.table.item(0, 2).text()  # a time as people write it
    reason_row = dialog.table.visualItemRect(dialog.table.item(0, 2))
    assert reason_row.height() > dialog.table.verticalHeader().defaultSectionSize()  # wrapped, not cut off
    shoot_dialog(qtbot, screenshot, dialog, "dialog-rejected")
    with qtbot.waitSignal(dialog.sig_acknowledged, timeout=5000):
        dialog.acknowledge_selected()
    qtbot.waitUntil(lambda: s.sync.rejected() == [])
