"""The certificate's QR code, decoded from the rendered PDF page, opens the public verification page in a real
headless Chromium at phone and desktop sizes: 有效 for a fresh licence, 已注销 once revoked, the plain refusal
for a forged code. Screenshots land in tests/screenshots/licences/."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pypdfium2
import pytest

from tests.approval_server.test_licences import INVALID, granted_licence, licence_of, qr_urls
from tests.fixtures.server import login
from tests.live import live_server

SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots" / "licences"
pytestmark = pytest.mark.slow


def _open(browser, url: str) -> str:  # noqa: ANN001
    from selenium.webdriver.common.by import By
    browser.get(url)
    return browser.find_element(By.TAG_NAME, "body").text


def test_certificate_qr_opens_the_verification_page_in_a_phone_browser(desks, client, app, database,  # noqa: ANN001
                                                                         phone_browser, desktop_browser) -> None:
    if database.engine.dialect.name != "sqlite":
        pytest.skip("one browser run, on SQLite")
    lic = licence_of(database, granted_licence(desks))
    headers = login(client, "supervisor")
    pdf = client.get(f"/api/v1/licences/{lic.id}/certificate", headers=headers).content
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pypdfium2.PdfDocument(pdf)[0].render(scale=110 / 72).to_pil().save(SCREENSHOTS / "certificate.png")
    (SCREENSHOTS / "certificate.pdf").write_bytes(pdf)
    (url,) = qr_urls(pdf)
    with live_server(app) as origin:
        # the printed host is the hall's public address; here it is this test server
        page = origin + urlsplit(url).path
        text = _open(phone_browser, page)
        assert "有效" in text and lic.number in text and "张*" in text and "张三" not in text, text
        phone_browser.save_screenshot(str(SCREENSHOTS / "verify_valid_360.png"))
        width = phone_browser.execute_script("return document.documentElement.scrollWidth")
        assert width <= 360  # nothing runs off a phone's screen
        assert "有效" in _open(desktop_browser, page)
        desktop_browser.save_screenshot(str(SCREENSHOTS / "verify_valid_1280.png"))
        revoked = client.post(f"/api/v1/licences/{lic.id}/revoke", headers=headers, json={"reason": "申请注销"})
        assert revoked.status_code == 200, revoked.text
        text = _open(phone_browser, page)
        assert "已注销" in text and "注销日期" in text, text
        phone_browser.save_screenshot(str(SCREENSHOTS / "verify_revoked_360.png"))
        token = urlsplit(url).path.rsplit("/", 1)[1]
        altered = token[:-1] + ("A" if token[-1] != "A" else "B")
        text = _open(phone_browser, f"{origin}/v/{altered}")
        assert INVALID in text and lic.number not in text
        phone_browser.save_screenshot(str(SCREENSHOTS / "verify_invalid_360.png"))
