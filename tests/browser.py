"""A real headless browser for tests of the pages citizens open on a phone (Debian's chromium and chromedriver,
driven by selenium). `phone_browser` and `desktop_browser` are the two sizes the pages must work at.

The browser is the citizen's own device: it keeps its own clock, so the faked clock of the CI pass (LD_PRELOAD
libfaketime) is not passed on to it; the server under test still runs on the faked clock."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

PHONE = (360, 740)
DESKTOP = (1280, 800)
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
_CLOCK_VARS = ("LD_PRELOAD", "FAKETIME", "FAKETIME_DONT_RESET", "FAKETIME_NO_CACHE", "DONT_FAKE_MONOTONIC",
               "FAKETIME_TIMESTAMP_FILE", "FAKETIME_START_AFTER_SECONDS")


def browser_available() -> str | None:
    """Why no browser can run here, or None when one can."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[dev]')"
    if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
        return "Debian's chromium and chromium-driver are not installed (installers/dev.sh setup as root)"
    return None


def open_browser(size: tuple[int, int], *, mobile: bool = True, accept_insecure_certs: bool = False,
                 extra_args: tuple[str, ...] = ()):  # noqa: ANN201 - selenium WebDriver
    """`accept_insecure_certs`: a test's self-signed certificate is taken (the page is still a secure context);
    `extra_args`: more Chromium switches (e.g. --host-resolver-rules to reach loopback under another name)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-extensions", "--lang=zh-CN", f"--window-size={size[0]},{size[1]}",
                *extra_args):
        options.add_argument(arg)
    if accept_insecure_certs:
        options.set_capability("acceptInsecureCerts", True)
    if mobile:
        options.add_experimental_option("mobileEmulation", {
            "deviceMetrics": {"width": size[0], "height": size[1], "pixelRatio": 2.0},
            "userAgent": ("Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) "
                          "Chrome/156.0 Mobile Safari/537.36 MicroMessenger/8.0")})
    env = {k: v for k, v in os.environ.items() if k not in _CLOCK_VARS}
    service = Service(executable_path=CHROMEDRIVER, env=env)
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(30)
    return driver


def browser(size: tuple[int, int] = PHONE, mobile: bool = True, **options) -> Iterator:  # noqa: ANN003
    """A browser for a fixture (skipped where none can run, failed in CI); `options` as open_browser's."""
    reason = browser_available()
    if reason:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"browser tests must run in CI: {reason}")
        pytest.skip(reason)
    driver = open_browser(size, mobile=mobile, **options)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def phone_browser() -> Iterator:
    """Chromium at 360×740 with a phone's user agent (a WeChat-like in-app browser)."""
    yield from browser(PHONE, True)


@pytest.fixture
def desktop_browser() -> Iterator:
    """Chromium at 1280×800."""
    yield from browser(DESKTOP, False)


def screenshot(driver, path: Path) -> Path:  # noqa: ANN001
    """The whole page as a PNG (taller than the window when the page scrolls)."""
    height = driver.execute_script("return Math.max(document.body.scrollHeight, window.innerHeight)")
    width = driver.get_window_size()["width"]
    driver.set_window_size(width, min(int(height), 4000))
    path.parent.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(path))
    return path
