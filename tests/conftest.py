"""Session-wide test settings. Qt runs offscreen; PostgreSQL tests (marker `pg`) must run when CI=true."""

from __future__ import annotations

import os
import tempfile

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The suite runs the demo hall, whose published passwords are refused outside demo mode (tests that check the
# refusal build their Settings with demo_mode=False).
os.environ.setdefault("GOVHALL_DEMO_MODE", "true")
# python-escpos writes a capabilities cache on import; keep it out of the user's folders.
os.environ.setdefault("ESCPOS_CAPABILITIES_PICKLE_DIR", tempfile.mkdtemp(prefix="govhall-escpos-"))

IN_CI = os.environ.get("CI", "").lower() == "true"

pytest_plugins = ["tests.fixtures.server", "tests.fixtures.storage", "tests.browser"]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--hardware", action="store_true", help="run tests that need real devices")
    parser.addoption("--sync-long", action="store_true", help="run the sync harness with many more seeds and examples")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("GOVHALL_FAKE_CLOCK") and not os.environ.get("GOVHALL_SOAK"):
        # The faked-clock pass proves no code path reads the wall clock; the extra seeds and examples of the
        # randomised runs repeat paths their first seed already takes (the normal pass runs them all).
        soak = [item for item in items if "soak" in item.keywords]
        if soak:
            config.hook.pytest_deselected(items=soak)
            items[:] = [item for item in items if "soak" not in item.keywords]
    if config.getoption("--hardware"):
        return
    skip = pytest.mark.skip(reason="needs a real device (run with --hardware)")
    for item in items:
        if "hardware" in item.keywords:
            item.add_marker(skip)
