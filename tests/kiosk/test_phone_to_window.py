"""The citizen's whole path (issue 17, "Done means"), phone → dispenser → window: in a real headless Chromium at
360×740 the citizen books a slot on /m/, the QR code is read off the page's screenshot and shown to a real
dispenser's serial scanner (the in-process scanner simulator, sim://scanner) — the kiosk's own QR path — which
issues and prints the ticket and syncs it to the server; the page's 我的预约 then links the checked-in booking to
its ticket's page (/m/q/<ticket id>, the same URL the dispenser's ticket QR code carries), where the people ahead
fall as a clerk's workstation calls the others through the server, the near-call notice shows, and then
"请到 2 号窗口". Screenshots at each step: /tmp/shots-checkin/ (override with GOVHALL_SHOTS)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
import requests
from fastapi.testclient import TestClient
from PIL import Image

from kiosk.flow.dispenser import Step
from shared.queue import appointment_qr
from shared.queue.follow import follow_template
from tests.browser import screenshot
from tests.fixtures.server import login
from tests.kiosk.conftest import INDEX_KEY, MONDAY_10
from tests.kiosk.test_appointment_qr import book
from tests.kiosk.test_dispenser import business_id, dispenser, printer  # noqa: F401  (fixtures)
from tests.kiosk.test_identity_codes import scanner_for
from tests.queue_server.support import START, QueueHall
from tests.queue_server.test_api_appointments import person
from tests.queue_server.test_citizen_pages import by_id, decode_qr, fill_booking, visible_text, wait_for

pytestmark = pytest.mark.slow
SHOTS = Path(os.environ.get("GOVHALL_SHOTS", "/tmp/shots-checkin"))
SLOT = MONDAY_10 + dt.timedelta(minutes=30)  # within the check-in window at the kiosk's 10:00
OTHERS = 4  # booked and checked in before the citizen: the people ahead


@pytest.fixture(autouse=True)
def pii_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """The server's keys; its index key is the one the kiosks' ticket key is derived from (tests/kiosk)."""
    monkeypatch.setenv("GOVHALL_PII_KEYS", f"t1:{'3a' * 16}")
    monkeypatch.setenv("GOVHALL_PII_INDEX_KEY", INDEX_KEY.hex())


def shot(driver, name: str) -> Path:  # noqa: ANN001
    path = screenshot(driver, SHOTS / f"{name}.png")
    driver.set_window_size(360, 740)
    return path


def qr_text(image: Image.Image) -> str:
    from pyzbar.pyzbar import decode
    found = decode(image)
    assert found, "no QR code in the image"
    return found[0].data.decode()


def test_book_on_the_phone_check_in_at_the_dispenser_then_follow_the_ticket_to_the_window(
        qtbot, dispenser, printer, hall, server_app, server_clock, phone_browser) -> None:  # noqa: ANN001, F811
    window, desk, _ = dispenser
    _, url, _, _ = hall
    driver = phone_browser
    # provisioned with the server's LAN address; the hall's 公网地址 (this test's server, the one the phone reaches)
    # set by its admin reaches the dispenser by sync, and its tickets' QR codes point there
    window.follow_url = follow_template("http://10.0.0.5:8765")
    with TestClient(server_app, raise_server_exceptions=False) as client:
        r = client.patch(f"/api/v1/admin/halls/{desk.directory.hall_id}", json={"public_url": url},
                         headers=login(client))
        assert r.status_code == 200, r.text
    desk.sync.sync_once()
    assert desk.directory.refresh().public_url == url
    a = business_id(desk, "A")  # 特种设备使用登记, served at window 2

    # Friday: the others book by the API, the citizen books the Monday 10:30 slot on the phone page
    others = [book(url, server_clock, a, SLOT, person(20 + n)) for n in range(OTHERS)]
    server_clock.jump_to(MONDAY_10 - dt.timedelta(days=3))
    driver.get(f"{url}/m/?hall=DG-HALL-1#book")
    wait_for(driver, lambda d: d.find_elements("css selector", "#book-day option[value='2026-11-23']"))
    fill_booking(driver, person(7), day="2026-11-23", at=f"{SLOT:%H:%M}")
    shot(driver, "01-book")
    by_id(driver, "book-submit").click()
    code = wait_for(driver, lambda d: visible_text(d, "booked-code"))
    wait_for(driver, lambda d: d.execute_script("return document.getElementById('booked-qr').naturalWidth") > 0)
    shot(driver, "02-booked-qr")
    payload = decode_qr(driver)  # what the citizen's phone screen shows the scanner
    assert appointment_qr.parse(payload) is not None
    server_clock.jump_to(MONDAY_10)

    # Monday 10:00 at the dispenser: the others check in first, then the citizen's QR at the serial scanner
    for token in others:
        window.run(window.flow.scanned(appointment_qr.payload(token)))
        qtbot.waitUntil(lambda: window.flow.step is Step.ISSUED, timeout=8000)
        window.run(window.flow.back())
    adapter, scanner = scanner_for(window)
    try:
        qtbot.wait(200)  # the adapter's port is open
        scanner.scan(payload)
        qtbot.waitUntil(lambda: window.flow.step is Step.ISSUED, timeout=8000)
    finally:
        adapter.stop()
    number = window.ticket.number.text()
    assert number == f"A{OTHERS + 1:03d}" and number in printer[0].jobs_text()
    assert window.ticket.notice.text().startswith(f"您预约了 {SLOT:%H:%M} 的")
    SHOTS.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(SHOTS / "03-dispenser-ticket.png"), "PNG")
    assert window.ticket.qr.pixmap().save(str(SHOTS / "03-dispenser-ticket-qr.png"), "PNG")
    screen_url = qr_text(Image.open(SHOTS / "03-dispenser-ticket-qr.png"))
    qtbot.waitUntil(lambda: len(desk.sync.rows("queue_ticket")) == OTHERS + 1, timeout=5000)
    desk.sync.sync_once()
    assert desk.sync.rejected() == []
    mine = next(r for r in desk.sync.confirmed("queue_ticket").values() if r["display"] == number)
    assert mine["channel"] == "qr" and screen_url == f"{url}/m/q/{mine['id']}"  # the ticket's QR: its page

    # the phone: 我的预约 shows the booking checked in, with a link to its ticket's page
    driver.get(f"{url}/m/?hall=DG-HALL-1")
    driver.refresh()  # a new visit: nothing kept from the booking
    wait_for(driver, lambda d: "特种设备使用登记" in visible_text(d, "business-list"))
    by_id(driver, "view-home").find_element("link text", "我的预约").click()
    by_id(driver, "mine-id").send_keys(person(7))
    by_id(driver, "mine-code").send_keys(code)
    by_id(driver, "mine-submit").click()
    wait_for(driver, lambda d: "已取号" in visible_text(d, "mine-list") or visible_text(d, "error"))
    assert "已取号" in visible_text(driver, "mine-list"), visible_text(driver, "error")
    shot(driver, "04-mine-checked-in")
    by_id(driver, "mine-list").find_element("link text", "我的排队").click()
    wait_for(driver, lambda d: "/m/q/" in d.current_url)
    assert driver.current_url == screen_url, (driver.current_url, screen_url)
    wait_for(driver, lambda d: visible_text(d, "ticket-ahead") == f"前面还有 {OTHERS} 人")
    assert visible_text(driver, "ticket-number") == number and not by_id(driver, "ticket-near").is_displayed()
    shot(driver, "05-ticket-waiting")

    # window 2 calls and serves the others through the server: the count falls, then the near-call notice
    with TestClient(server_app, raise_server_exceptions=False) as client:
        desk_hall = QueueHall(hall[0], client, server_clock)
        w2 = desk_hall.device("workstation", 2)
        order = sorted((r for r in desk.sync.confirmed("queue_ticket").values() if r["display"] != number),
                       key=lambda r: r["display"])
        base = (MONDAY_10 - START).total_seconds() / 60 + 0.1  # QueueHall counts minutes from 09:30
        for i, other in enumerate(order):
            t = base + i * 0.05
            assert desk_hall.call(w2, other["id"], t)["status"] == "accepted"
            assert desk_hall.act(w2, "queue.start", other["id"], t + 0.01)["status"] == "accepted"
            assert desk_hall.act(w2, "queue.finish", other["id"], t + 0.02)["status"] == "accepted"
            left = OTHERS - 1 - i
            wait_for(driver, lambda d, n=left: visible_text(d, "ticket-ahead") == f"前面还有 {n} 人")
            assert by_id(driver, "ticket-near").is_displayed() == (left <= 3)  # the demo's threshold is 3
            if i == 0:
                assert "即将叫到" in visible_text(driver, "ticket-near")
                shot(driver, "06-ticket-near")
        assert desk_hall.call(w2, mine["id"], base + OTHERS * 0.05)["status"] == "accepted"
        # the clerk at window 2 sees the name the citizen gave on the phone (sealed until then)
        named = client.get(f"/api/v1/sync/queue/tickets/{mine['id']}/booking-name", headers=w2.headers)
        assert named.status_code == 200 and named.json()["name"] == "张三", named.text
    wait_for(driver, lambda d: visible_text(d, "ticket-called").startswith("请到 2 号窗口"))
    assert not by_id(driver, "ticket-near").is_displayed() and visible_text(driver, "ticket-ahead") == ""
    shot(driver, "07-ticket-called")
    assert requests.get(f"{url}/m/q/{mine['id']}", timeout=5).status_code == 200
