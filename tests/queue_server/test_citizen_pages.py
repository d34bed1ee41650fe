"""The citizens' phone pages in a real browser (issue 17): book → the QR code (decoded from the screenshot, what
the dispenser's QR path accepts) → my bookings → cancel; a booking refused by the rate limit; my ticket's people
ahead falling as windows call → the near-call notice → "请到 2 号窗口". Screenshots of every view at both sizes
and in large type go to /tmp/shots-mobile/ (override with GOVHALL_SHOTS)."""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from server.core.settings import Settings
from server.main import create_app
from server.queue.booking_limits import client_key, limiter_for
from shared.queue import appointment_qr
from tests.browser import screenshot
from tests.clock import TickingClock
from tests.live import live_server
from tests.queue_server.support import START, QueueHall
from tests.queue_server.test_api_appointments import person

pytestmark = pytest.mark.slow
SHOTS = Path(os.environ.get("GOVHALL_SHOTS", "/tmp/shots-mobile"))
WAIT = 15  # seconds for the page to show what the server answered (it polls every 4 s)


@pytest.fixture
def site(sqlite_database, pii_keys, tmp_path) -> Iterator[tuple[str, QueueHall]]:  # noqa: ANN001
    """A real server on loopback (the browser's) and a QueueHall on the same app (devices, calls)."""
    clock = TickingClock(START)
    app = create_app(Settings(data_dir=tmp_path, migrate_on_start=False, password_iterations=1000),
                     database=sqlite_database, clock=clock)
    with live_server(app) as url, TestClient(app, raise_server_exceptions=False) as client:
        yield url, QueueHall(sqlite_database, client, clock)


def wait_for(driver, condition, timeout: float = WAIT):  # noqa: ANN001, ANN201
    from selenium.webdriver.support.ui import WebDriverWait
    return WebDriverWait(driver, timeout, poll_frequency=0.1).until(lambda d: condition(d))


def by_id(driver, id_: str):  # noqa: ANN001, ANN201
    return driver.find_element("id", id_)


def visible_text(driver, id_: str) -> str:  # noqa: ANN001
    e = by_id(driver, id_)
    return e.text if e.is_displayed() else ""


def fill_booking(driver, id_number: str, day: str | None = None, at: str = "14:00") -> None:  # noqa: ANN001
    from selenium.webdriver.support.ui import Select
    # The page fills its lists from the server after it loads: wait for the options, not only the elements.
    wait_for(driver, lambda d: any(o.text.strip() == "特种设备使用登记"
                                   for o in Select(by_id(d, "book-business")).options))
    Select(by_id(driver, "book-business")).select_by_visible_text("特种设备使用登记")
    wait_for(driver, lambda d: Select(by_id(d, "book-day")).options)
    if day is None:
        Select(by_id(driver, "book-day")).select_by_index(0)
    else:
        Select(by_id(driver, "book-day")).select_by_value(day)
    slot = wait_for(driver, lambda d: next((b for b in d.find_elements("css selector", "#slot-list button")
                                            if b.text.startswith(at) and b.is_enabled()), None))
    slot.click()
    by_id(driver, "book-id").send_keys(id_number)
    by_id(driver, "book-name").send_keys("张三")
    by_id(driver, "book-phone").send_keys("13800138000")
    question = wait_for(driver, lambda d: visible_text(d, "captcha-question"))
    a, b = map(int, re.findall(r"\d+", question))
    by_id(driver, "book-captcha").send_keys(str(a + b))


def decode_qr(driver) -> str:  # noqa: ANN001
    from pyzbar.pyzbar import decode
    image = Image.open(io.BytesIO(by_id(driver, "booked-qr").screenshot_as_png))
    found = decode(image)
    assert found, "no QR code in the screenshot"
    return found[0].data.decode()


def test_book_show_the_qr_then_cancel(site, phone_browser) -> None:  # noqa: ANN001
    url, hall = site
    driver = phone_browser
    driver.get(f"{url}/m/?hall=DG-HALL-1")
    wait_for(driver, lambda d: "特种设备使用登记" in visible_text(d, "business-list"))
    assert "预约码" in visible_text(driver, "notice")
    screenshot(driver, SHOTS / "phone-home.png")
    by_id(driver, "view-home").find_element("link text", "预约办事").click()
    fill_booking(driver, person(7))
    screenshot(driver, SHOTS / "phone-book.png")
    by_id(driver, "book-submit").click()
    code = wait_for(driver, lambda d: visible_text(d, "booked-code"))
    assert visible_text(driver, "booked-name") == "张*"  # the name masked on the page (kept sealed)
    wait_for(driver, lambda d: d.execute_script("return document.getElementById('booked-qr').naturalWidth") > 0)
    scanned = decode_qr(driver)
    token = appointment_qr.parse(scanned)  # the dispenser's QR path parses exactly this
    assert token is not None and scanned.startswith("GOVHALL-APPT:")
    resolved = hall.client.post("/api/v1/queue/appointments/qr", json={"token": token}).json()
    assert resolved["state"] == "booked" and resolved["business_id"] == hall.business["A"]
    screenshot(driver, SHOTS / "phone-booked.png")
    by_id(driver, "view-booked").find_element("link text", "查看我的预约").click()
    by_id(driver, "mine-submit").click()  # the booking filled in the ID number and the code
    wait_for(driver, lambda d: "已预约" in visible_text(d, "mine-list"))
    assert "预约人：张*" in visible_text(driver, "mine-list") and "张三" not in driver.page_source
    assert code and by_id(driver, "mine-code").get_attribute("value") == code
    screenshot(driver, SHOTS / "phone-mine.png")
    by_id(driver, "mine-list").find_element("css selector", "button.cancel").click()
    driver.switch_to.alert.accept()
    wait_for(driver, lambda d: "已取消" in visible_text(d, "mine-list"))
    again = hall.client.post("/api/v1/queue/appointments/qr", json={"token": token}).json()
    assert again["state"] == "cancelled"


def test_a_wrong_captcha_and_the_rate_limit_are_refused_in_chinese(site, phone_browser) -> None:  # noqa: ANN001
    url, hall = site
    driver = phone_browser
    driver.get(f"{url}/m/?hall=DG-HALL-1#book")
    fill_booking(driver, person(8))
    by_id(driver, "book-captcha").send_keys("9")  # appended: the sum is now wrong
    by_id(driver, "book-submit").click()
    assert "验证码" in wait_for(driver, lambda d: visible_text(d, "error"))
    # This address has used up its hourly allowance (counted the way every booking request is counted).
    limit = hall.client.get(f"/api/v1/queue/halls/{hall.hall_id}/config").json()["rules"]["appointment"][
        "requests_per_client_per_hour"]
    limiter = limiter_for(hall.client.app.state)
    for _ in range(limit):
        limiter.check(client_key(None, "127.0.0.1"), hall.clock(), 10 ** 6)
    question = wait_for(driver, lambda d: visible_text(d, "captcha-question"))
    a, b = map(int, re.findall(r"\d+", question))
    by_id(driver, "book-captcha").send_keys(str(a + b))
    by_id(driver, "book-submit").click()
    assert wait_for(driver, lambda d: "过于频繁" in visible_text(d, "error"))
    assert visible_text(driver, "booked-code") == ""
    screenshot(driver, SHOTS / "phone-refused.png")


def test_my_ticket_counts_down_then_shows_the_window(site, phone_browser) -> None:  # noqa: ANN001
    url, hall = site
    driver = phone_browser
    kiosk, w2 = hall.device("dispenser"), hall.device("workstation", 2)
    tickets = [hall.issue(kiosk, "A", minutes=i * 0.1)[0] for i in range(6)]
    driver.get(f"{url}/m/q/{tickets[-1]}")
    wait_for(driver, lambda d: visible_text(d, "ticket-ahead") == "前面还有 5 人")
    assert not by_id(driver, "ticket-near").is_displayed() and "预计等候" in visible_text(driver, "ticket-wait")
    screenshot(driver, SHOTS / "phone-ticket-waiting.png")
    driver.set_window_size(360, 740)
    for i, other in enumerate(tickets[:5]):
        assert hall.call(w2, other, 1 + i)["status"] == "accepted"
        assert hall.act(w2, "queue.start", other, 1.2 + i)["status"] == "accepted"
        assert hall.act(w2, "queue.finish", other, 1.5 + i)["status"] == "accepted"
        wait_for(driver, lambda d, n=4 - i: visible_text(d, "ticket-ahead") == f"前面还有 {n} 人")
        near = by_id(driver, "ticket-near").is_displayed()
        assert near == (4 - i <= 3), (i, near)  # the demo hall's near-call threshold is 3
        if i == 1:
            assert "即将叫到" in visible_text(driver, "ticket-near")
            screenshot(driver, SHOTS / "phone-ticket-near.png")
            driver.set_window_size(360, 740)
    assert hall.call(w2, tickets[-1], 9)["status"] == "accepted"
    wait_for(driver, lambda d: visible_text(d, "ticket-called").startswith("请到 2 号窗口"))
    assert not by_id(driver, "ticket-near").is_displayed() and visible_text(driver, "ticket-ahead") == ""
    screenshot(driver, SHOTS / "phone-ticket-called.png")


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_every_view_renders_at_both_sizes_and_in_large_type(site, size, request) -> None:  # noqa: ANN001
    url, hall = site
    driver = request.getfixturevalue(f"{size}_browser")
    kiosk = hall.device("dispenser")
    ticket, _ = hall.issue(kiosk, "A")
    driver.get(f"{url}/m/?hall=DG-HALL-1")
    wait_for(driver, lambda d: "特种设备使用登记" in visible_text(d, "business-list"))
    by_id(driver, "large-toggle").click()
    driver.refresh()  # the large-type choice is remembered
    wait_for(driver, lambda d: "特种设备使用登记" in visible_text(d, "business-list"))
    assert driver.execute_script("return document.documentElement.classList.contains('large')")
    for large in (True, False):
        suffix = "-large" if large else ""
        for view in ("home", "book", "mine", "ticket", "progress", "remote"):
            driver.get(f"{url}/m/?hall=DG-HALL-1#{view}")
            wait_for(driver, lambda d, v=view: d.execute_script("return document.body.dataset.view") == v)
            if view == "book":
                wait_for(driver, lambda d: d.find_elements("css selector", "#slot-list button"))
            # nothing wider than the window (no sideways scrolling at 360 px)
            assert driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
            screenshot(driver, SHOTS / f"{size}-view-{view}{suffix}.png")
            driver.set_window_size(*((360, 740) if size == "phone" else (1280, 800)))
        driver.get(f"{url}/m/q/{ticket}")
        wait_for(driver, lambda d: visible_text(d, "ticket-ahead").startswith("前面还有"))
        screenshot(driver, SHOTS / f"{size}-view-ticket-follow{suffix}.png")
        driver.set_window_size(*((360, 740) if size == "phone" else (1280, 800)))
        by_id(driver, "large-toggle").click()


def test_remote_ticket_near_the_hall_and_refused_far_away(site, phone_browser) -> None:  # noqa: ANN001
    from tests.queue_server.test_citizen_api import HALL_AT, set_remote
    url, hall = site
    driver = phone_browser
    driver.execute_cdp_cmd("Browser.grantPermissions", {"origin": url, "permissions": ["geolocation"]})

    def stand_at(lat: float, lon: float) -> None:
        driver.execute_cdp_cmd("Emulation.setGeolocationOverride", {"latitude": lat, "longitude": lon, "accuracy": 15})

    stand_at(*HALL_AT)
    driver.get(f"{url}/m/?hall=DG-HALL-1#remote")
    wait_for(driver, lambda d: by_id(d, "remote-form").is_displayed() and d.find_elements(
        "css selector", "#remote-business option"))
    by_id(driver, "remote-id").send_keys(person(5))
    by_id(driver, "remote-submit").click()  # no location set for the hall yet
    assert "未设置大厅位置" in wait_for(driver, lambda d: visible_text(d, "error"))
    set_remote(hall, enabled=True, latitude=HALL_AT[0], longitude=HALL_AT[1], radius_m=300)
    stand_at(HALL_AT[0] + 0.02, HALL_AT[1])  # about 2.2 km away
    wait_for(driver, lambda d: by_id(d, "remote-submit").is_enabled())
    by_id(driver, "remote-submit").click()
    assert "不在大厅附近" in wait_for(driver, lambda d: "附近" in visible_text(d, "error") and visible_text(d, "error"))
    screenshot(driver, SHOTS / "phone-remote-refused.png")
    driver.set_window_size(360, 740)
    stand_at(HALL_AT[0] + 0.0005, HALL_AT[1])  # at the door
    wait_for(driver, lambda d: by_id(d, "remote-submit").is_enabled())
    by_id(driver, "remote-submit").click()
    wait_for(driver, lambda d: "/m/q/" in d.current_url)
    wait_for(driver, lambda d: visible_text(d, "ticket-ahead").startswith("前面还有"))
    assert visible_text(driver, "ticket-number").startswith("A")
    ticket_id = driver.current_url.rsplit("/", 1)[1]
    kiosk = hall.device("dispenser")
    assert hall.rows(kiosk, "queue_ticket")[ticket_id]["channel"] == "remote"
    screenshot(driver, SHOTS / "phone-remote-ticket.png")
