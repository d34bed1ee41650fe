"""GUI tests: real widgets offscreen (pytest-qt), a Chinese font applied, screenshots saved as PNG to the
gitignored tests/screenshots/ folder so a person can look at every main screen."""

from __future__ import annotations

from pathlib import Path

import pytest

SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots"


@pytest.fixture(scope="session", autouse=True)
def chinese_font(qapp):  # noqa: ANN001
    from client.qt.fonts import apply_chinese_font
    return apply_chinese_font(qapp)


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
