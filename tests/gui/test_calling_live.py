"""Calling against the real queue server on loopback: a dispenser issues tickets, the counter's panel pulls
them, calls by the shared rules, starts and finishes service — every command accepted by the server's
handlers (first claim wins), the confirmed rows matching what the counter showed."""

from __future__ import annotations

import requests

from client.services.context import build_services
from client.services.workstation import Workstation
from gui.qt import Qt
from tests.client.support import Clock, make_cache
from tests.gui.client_support import open_window
from tests.gui.test_workstation_sync import PII_KEYS, _clerk
from tests.queue_server.support import START, QueueHall


class Http:
    """requests with a base URL, shaped like the TestClient QueueHall drives."""

    def __init__(self, url: str) -> None:
        self.url, self.session = url, requests.Session()

    def post(self, path: str, **kw):  # noqa: ANN003, ANN201
        return self.session.post(self.url + path, timeout=10, **kw)

    def get(self, path: str, **kw):  # noqa: ANN003, ANN201
        return self.session.get(self.url + path, timeout=10, **kw)


def test_counter_calls_and_serves_tickets_the_server_accepts(qtbot, server_url, sqlite_database, tmp_path,
                                                              monkeypatch):  # noqa: ANN001
    for name, value in PII_KEYS.items():
        monkeypatch.setenv(name, value)
    hall = QueueHall(sqlite_database, Http(server_url), Clock(START))
    dispenser = hall.device("dispenser", staff=None)
    first, result = hall.issue(dispenser, "A", minutes=-20)
    assert result["status"] == "accepted", result
    hall.issue(dispenser, "A", minutes=-10)
    counter = hall.device("workstation", 2, staff=None)  # window 2 serves business A only
    ws = Workstation(tmp_path, server_url=server_url, window_number=2, device_id=counter.id,
                     device_token=counter.token)
    clock = Clock(START)
    s = build_services(ws, _clerk(server_url, counter.id), make_cache(tmp_path / "cache.sqlite3"), clock=clock)
    s.sync.sync_once()
    window, ops, _ = open_window(qtbot, s)
    panel = window.workspace.calling
    qtbot.waitUntil(lambda: panel.snapshot is not None and sum(panel.snapshot.waiting.values()) == 2)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: panel.ticket.text() == "A001")
    clock.advance(minutes=1)
    qtbot.keyClick(window, Qt.Key.Key_F3)
    qtbot.waitUntil(lambda: panel.snapshot.current is not None and panel.snapshot.current.state.value == "serving")
    clock.advance(minutes=5)
    qtbot.keyClick(window, Qt.Key.Key_F8)
    qtbot.waitUntil(lambda: panel.ticket.text() == "—")
    ops.wait()
    s.sync.sync_once()
    status = s.sync.status()
    assert status.pending == 0 and status.rejected == [], status.rejected
    ticket = s.sync.confirmed("queue_ticket")[first]
    assert ticket["state"] == "finished" and ticket["window_id"] == s.desk.window.id
    calls = [c for c in s.sync.confirmed("queue_call").values() if c["ticket_id"] == first]
    assert [c["accepted"] for c in calls] == [True]


def test_the_clerk_sees_the_name_given_with_a_checked_in_booking(qtbot, server_url, server_clock, sqlite_database,
                                                                 tmp_path, monkeypatch, screenshot):  # noqa: ANN001
    """Issue 17: the name a citizen gave when booking is sealed on the server and never synced; once the booking
    is checked in and its ticket called, the counter's panel asks for it and shows 预约人 in full."""
    from tests.queue_server.test_api_appointments import person, slot
    for name, value in PII_KEYS.items():
        monkeypatch.setenv(name, value)
    import datetime as dt
    server_clock.jump_to(START - dt.timedelta(hours=2))
    hall = QueueHall(sqlite_database, Http(server_url), Clock(START))
    booked = hall.client.post("/api/v1/queue/appointments", json={
        "business_id": hall.business["A"], "slot_start": slot(10), "id_number": person(3), "name": "欧阳婉清"})
    assert booked.status_code == 201, booked.text
    appointment = booked.json()["appointment"]
    server_clock.jump_to(START + dt.timedelta(minutes=15))
    dispenser = hall.device("dispenser", staff=None)
    synced = hall.rows(dispenser, "queue_appointment")[appointment["id"]]
    args = hall.issue_args(dispenser, "A", minutes=15, appointment_id=appointment["id"],
                           person_key=synced["person_key"], channel="qr")
    assert hall.push(dispenser, "queue.issue", args)["status"] == "accepted"
    counter = hall.device("workstation", 2, staff=None)
    ws = Workstation(tmp_path, server_url=server_url, window_number=2, device_id=counter.id,
                     device_token=counter.token)
    clock = Clock(START + dt.timedelta(minutes=16))
    s = build_services(ws, _clerk(server_url, counter.id), make_cache(tmp_path / "cache.sqlite3"), clock=clock)
    s.sync.sync_once()
    assert "欧阳婉清" not in str(s.sync.confirmed("queue_appointment"))  # nothing of the name reaches the cache
    window, ops, _ = open_window(qtbot, s)
    panel = window.workspace.calling
    qtbot.waitUntil(lambda: panel.snapshot is not None and sum(panel.snapshot.waiting.values()) == 1)
    assert not panel.booked_name.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: panel.ticket.text() == "A001")
    qtbot.waitUntil(lambda: panel.booked_name.text() == "预约人：欧阳婉清", timeout=8000)
    assert panel.booked_name.isVisible()
    screenshot(window, "clerk/calling-booked-name")
    ops.wait()


def test_two_panels_call_tickets_their_caches_never_pulled_and_show_them_at_once(qtbot, server_url, sqlite_database,
                                                                                 tmp_path, monkeypatch, screenshot):  # noqa: ANN001
    """Issue 19: online, 顺呼 is decided by the server. Two counters serving business A, both synced before any
    ticket was issued, press F1 one after the other: the first gets A001, the second A002 (no claim lost to a
    stale view), and each panel shows its called ticket from the server's answer — no pull happens. (The
    buttons are clicked: with two windows open, F1 goes to the active one.)"""
    for name, value in PII_KEYS.items():
        monkeypatch.setenv(name, value)
    hall = QueueHall(sqlite_database, Http(server_url), Clock(START))
    dispenser = hall.device("dispenser", staff=None)
    panels = []
    for number in (1, 2):  # windows 1 and 2 both call business A first
        counter = hall.device("workstation", number, staff=None)
        ws = Workstation(tmp_path / f"ws{number}", server_url=server_url, window_number=number, device_id=counter.id,
                         device_token=counter.token)
        s = build_services(ws, _clerk(server_url, counter.id), make_cache(tmp_path / f"cache{number}.sqlite3"),
                           clock=Clock(START))
        s.sync.sync_once()
        window, ops, _ = open_window(qtbot, s)
        panel = window.workspace.calling
        qtbot.waitUntil(lambda p=panel: p.snapshot is not None and p.ticket.text() == "—")
        panels.append((window, ops, s, panel, s.sync.cursors()))
    for minutes in (-20, -10):
        assert hall.issue(dispenser, "A", minutes=minutes)[1]["status"] == "accepted"
    for (window, ops, s, panel, _), shown in zip(panels, ("A001", "A002")):
        qtbot.mouseClick(panel.buttons["call_next"], Qt.MouseButton.LeftButton)  # 顺呼 on this window
        qtbot.waitUntil(lambda p=panel, n=shown: p.ticket.text() == n)
        assert panel.state.text().startswith("已呼叫") and panel.message.text() == "已呼叫 " + shown
        assert not panel.buttons["call_next"].isEnabled() and panel.buttons["start"].isEnabled()
    window, ops, s, panel, _ = panels[1]
    screenshot(window, "clerk/calling-server-decided")
    for window, ops, s, panel, cursors in panels:
        ops.wait()
        assert s.sync.cursors() == cursors  # the rows came with the answer
        s.sync.sync_once()
        assert s.sync.status().pending == 0 and s.sync.rejected() == []
    calls = panels[0][2].sync.confirmed("queue_call").values()
    assert sorted((c["display"], c["window_number"], c["accepted"]) for c in calls) == [("A001", 1, True),
                                                                                        ("A002", 2, True)]
