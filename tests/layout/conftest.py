"""Layout tests: one Chinese font for the session, and screenshots saved to the gitignored
tests/screenshots/layouts/ folder (one PNG per screen and size) so a person can look at every one."""

from __future__ import annotations

from pathlib import Path

import pytest

SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots" / "layouts"


@pytest.fixture(scope="session", autouse=True)
def chinese_font(qapp):  # noqa: ANN001
    from gui.fonts import apply_chinese_font
    return apply_chinese_font(qapp)


@pytest.fixture(scope="session")
def shoot():
    """shoot(widget, "dispenser/home-1920x1080") → the saved PNG's path; the grab must be the window's size."""
    def save(widget, name: str) -> Path:  # noqa: ANN001
        path = SCREENSHOTS / f"{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        widget.repaint()
        image = widget.grab()
        assert image.size() == widget.size(), f"{name}: grabbed {image.size()} of {widget.size()}"
        assert image.save(str(path), "PNG"), f"could not save {path}"
        return path
    return save
