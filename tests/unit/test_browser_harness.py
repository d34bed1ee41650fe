"""The browser the citizen-page tests use opens at a phone's width and renders Chinese."""

from __future__ import annotations

import pytest


@pytest.mark.slow
def test_the_phone_browser_is_360_css_pixels_wide_and_reads_chinese(phone_browser) -> None:  # noqa: ANN001
    phone_browser.get("data:text/html;charset=utf-8,<meta name=viewport content='width=device-width'>"
                      "<title>预约</title><p id=t>政务服务</p>")
    assert phone_browser.execute_script("return window.innerWidth") == 360
    assert phone_browser.find_element("id", "t").text == "政务服务"
