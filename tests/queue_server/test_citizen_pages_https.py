"""The citizens' pages over the server's own TLS (issue 17 with issue 18's settings): with a certificate made
here (self-signed hall CA, as `python -m server serve --tls-cert --tls-key` serves it) the phone books, the CSRF
cookie is Secure, the answers carry HSTS, and 到厅取号 gets the phone's position (a secure context) and a ticket.
Opened over plain http under a name other than the phone's own (what a hall without HTTPS gives its citizens),
the page says that the position is unavailable because the page is not HTTPS, and offers no button that could
only fail. Screenshots in /tmp/shots-mobile/ (GOVHALL_SHOTS)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from fastapi.testclient import TestClient

from server.core.settings import Settings
from server.main import create_app
from tests.browser import browser, screenshot
from tests.clock import TickingClock
from tests.live import live_server
from tests.queue_server.support import START, QueueHall
from tests.queue_server.test_api_appointments import person
from tests.queue_server.test_citizen_api import HALL_AT, set_remote
from tests.queue_server.test_citizen_pages import SHOTS, by_id, fill_booking, visible_text, wait_for
from tests.server.test_transport import _hall_ca

pytestmark = pytest.mark.slow
HALL_NAME = "hall.test"  # a name, not loopback: Chromium treats http://127.0.0.1 as secure, http://hall.test not


def _site(database, tmp_path, *, tls: bool):  # noqa: ANN001, ANN202
    clock = TickingClock(START)
    settings = Settings(data_dir=tmp_path, migrate_on_start=False, password_iterations=1000)
    ssl = {}
    if tls:
        ca, cert, key = _hall_ca(tmp_path, "hall-ca")
        settings.tls_cert, settings.tls_key = cert, key
        ssl = {"ssl_certfile": str(cert), "ssl_keyfile": str(key), "ca": ca}
    app = create_app(settings, database=database, clock=clock)
    return app, clock, ssl


@pytest.fixture
def https_site(sqlite_database, pii_keys, tmp_path) -> Iterator[tuple[str, QueueHall, object]]:  # noqa: ANN001
    app, clock, ssl = _site(sqlite_database, tmp_path, tls=True)
    ca = ssl.pop("ca")
    with live_server(app, **ssl) as url, TestClient(app, raise_server_exceptions=False) as client:
        yield url, QueueHall(sqlite_database, client, clock), ca


@pytest.fixture
def http_site(sqlite_database, pii_keys, tmp_path) -> Iterator[tuple[str, QueueHall]]:  # noqa: ANN001
    app, clock, _ = _site(sqlite_database, tmp_path, tls=False)
    with live_server(app) as url, TestClient(app, raise_server_exceptions=False) as client:
        yield url, QueueHall(sqlite_database, client, clock)


def test_book_and_take_a_ticket_near_the_hall_over_https(https_site) -> None:  # noqa: ANN001
    url, hall, ca = https_site
    assert url.startswith("https://")
    page = requests.get(f"{url}/m/?hall=DG-HALL-1", verify=str(ca), timeout=10)
    assert page.status_code == 200 and page.headers["strict-transport-security"].startswith("max-age=")
    assert "secure" in page.headers["set-cookie"].lower()
    set_remote(hall, enabled=True, latitude=HALL_AT[0], longitude=HALL_AT[1], radius_m=300)
    for driver in browser(accept_insecure_certs=True):  # the test's own CA: not in the browser's store
        driver.get(f"{url}/m/?hall=DG-HALL-1")
        wait_for(driver, lambda d: "特种设备使用登记" in visible_text(d, "business-list"))
        assert driver.execute_script("return window.isSecureContext") is True
        assert next(c for c in driver.get_cookies() if c["name"] == "gh_csrf")["secure"] is True
        by_id(driver, "view-home").find_element("link text", "预约办事").click()
        fill_booking(driver, person(8))
        by_id(driver, "book-submit").click()
        assert wait_for(driver, lambda d: visible_text(d, "booked-code"))
        assert visible_text(driver, "booked-name") == "张*"
        driver.execute_cdp_cmd("Browser.grantPermissions", {"origin": url, "permissions": ["geolocation"]})
        driver.execute_cdp_cmd("Emulation.setGeolocationOverride",
                               {"latitude": HALL_AT[0] + 0.0005, "longitude": HALL_AT[1], "accuracy": 15})
        driver.get(f"{url}/m/?hall=DG-HALL-1#remote")
        wait_for(driver, lambda d: by_id(d, "remote-form").is_displayed() and d.find_elements(
            "css selector", "#remote-business option"))
        assert not by_id(driver, "remote-insecure").is_displayed() and by_id(driver, "remote-submit").is_enabled()
        by_id(driver, "remote-id").send_keys(person(9))
        by_id(driver, "remote-submit").click()
        wait_for(driver, lambda d: "/m/q/" in d.current_url)
        wait_for(driver, lambda d: visible_text(d, "ticket-ahead").startswith("前面还有"))
        assert driver.current_url.startswith("https://")
        ticket_id = driver.current_url.rsplit("/", 1)[1]
        assert hall.rows(hall.device("dispenser"), "queue_ticket")[ticket_id]["channel"] == "remote"
        screenshot(driver, SHOTS / "phone-remote-https-ticket.png")


def test_over_plain_http_the_page_says_the_position_needs_https(http_site) -> None:  # noqa: ANN001
    url, hall = http_site
    port = url.rsplit(":", 1)[1]
    set_remote(hall, enabled=True, latitude=HALL_AT[0], longitude=HALL_AT[1], radius_m=300)
    rules = (f"--host-resolver-rules=MAP {HALL_NAME} 127.0.0.1", "--disable-features=HttpsUpgrades")
    for driver in browser(extra_args=rules):
        driver.get(f"http://{HALL_NAME}:{port}/m/?hall=DG-HALL-1#remote")
        wait_for(driver, lambda d: by_id(d, "remote-form").is_displayed() and d.find_elements(
            "css selector", "#remote-business option"))
        assert driver.execute_script("return window.isSecureContext") is False
        notice = wait_for(driver, lambda d: visible_text(d, "remote-insecure"))
        assert "不是通过 HTTPS 安全连接打开的" in notice and "无法到厅取号" in notice
        assert not by_id(driver, "remote-submit").is_enabled()
        screenshot(driver, SHOTS / "phone-remote-not-https.png")
        # the rest of the page works over http: the home view, and the booking form
        driver.get(f"http://{HALL_NAME}:{port}/m/?hall=DG-HALL-1#home")
        wait_for(driver, lambda d: "特种设备使用登记" in visible_text(d, "business-list"))
        assert not by_id(driver, "remote-insecure").is_displayed()
