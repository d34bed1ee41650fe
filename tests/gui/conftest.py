"""GUI tests: real widgets offscreen (pytest-qt), a Chinese font applied, screenshots saved as PNG to the
gitignored tests/screenshots/ folder so a person can look at every main screen."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots"


@pytest.fixture(scope="session", autouse=True)
def chinese_font(qapp):  # noqa: ANN001
    from gui.fonts import apply_chinese_font
    return apply_chinese_font(qapp)


@pytest.fixture(autouse=True)
def drain_client_ops(qapp):  # noqa: ANN001
    """Let every background operation of the test finish and deliver while its widgets still exist, then
    collect: Qt objects freed at interpreter exit in random order can crash PySide."""
    yield
    from tests.gui.client_support import OPEN_OPS
    for ops in OPEN_OPS:
        ops.wait(10000)
    OPEN_OPS.clear()
    qapp.processEvents()
    gc.collect()
    qapp.processEvents()


@pytest.fixture
def screenshot():
    """screenshot(widget, "clerk/login") → the saved PNG's path."""
    def save(widget, name: str) -> Path:  # noqa: ANN001
        path = SCREENSHOTS / f"{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        widget.repaint()
        assert widget.grab().save(str(path), "PNG"), f"could not save {path}"
        return path
    return save
