"""Kiosk screens at every screen size they are sold with: the dispenser (portrait 32", landscape 27"/19"/
15.6" panels), the evaluator tablet both ways round, the hall display in HD and 4K. Each screen is shown with
the demo hall's data, checked for clipped, overlapping or off-screen text, and saved as a PNG under
tests/screenshots/layouts/. One window and one cache per mode (module), re-sized for each size."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from gui.ops import Ops
from kiosk.dispenser import DispenserWindow
from kiosk.flow.dispenser import Step
from kiosk.services.issuing import TicketDesk
from kiosk.services.reference import load_directory
from tests.layout.kiosk_support import INDEX_KEY, MONDAY_10, demo_cache, offline_sync
from tests.layout.layout_check import check, report

DISPENSER_SIZES = ((1080, 1920), (1920, 1080), (1280, 1024), (1366, 768))
DISPENSER_SCREENS = ("home", "home-elderly", "pick-for-person", "print-failed", "ticket", "refused", "pin")
PERSON = "11010519491231002X"


def settle(qtbot, window) -> None:  # noqa: ANN001
    """Let the layouts (and style sheets re-applied on resize) settle before measuring."""
    qtbot.wait(30)
    window.repaint()


def assert_fits(window, size: tuple[int, int]) -> None:  # noqa: ANN001
    assert (window.width(), window.height()) == size, f"the window is {window.width()}x{window.height()}"
    problems = check(window)
    assert problems == [], report(problems)


# dispenser ---------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def dispenser(qapp, tmp_path_factory):  # noqa: ANN001, ANN201
    engine = demo_cache(tmp_path_factory.mktemp("dispenser"))
    desk = TicketDesk(offline_sync(engine, "dispenser"), load_directory(engine), index_key=INDEX_KEY,
                      now=lambda: MONDAY_10)
    ops = Ops()
    window = DispenserWindow(ops, desk, pin="2468", follow_url="https://q.example/t/{ticket}",
                             facts=lambda: [("设备编号", "dispenser-layout-0000"), ("服务器", "http://127.0.0.1:8765")])
    window.show()
    yield window
    window.close()
    ops.wait()
    engine.dispose()


def business(window, prefix: str) -> int:  # noqa: ANN001
    return next(e.business.id for e in window.desk.directory.entries if e.business.prefix == prefix)


def show_dispenser(qtbot, window, screen: str) -> None:  # noqa: ANN001
    """Bring the dispenser to `screen` the way a citizen does (taps, a card, a scan), from its home."""
    if window.stack.currentWidget() in (window.pinpad, window.admin):
        window.leave_admin()
    window.run(window.flow.back())
    if window.flow.elderly != (screen == "home-elderly"):
        window.toggle_elderly()
    qtbot.waitUntil(window.ready, timeout=5000)  # the remaining counts are on the tiles
    if screen == "pick-for-person":
        window.run(window.flow.card(PERSON))
        qtbot.waitUntil(lambda: window.flow.step is Step.PICK, timeout=5000)
    elif screen in ("print-failed", "ticket"):
        window.run(window.flow.tap(business(window, "D")))  # no printer: the citizen is told and chooses
        qtbot.waitUntil(lambda: window.flow.step is Step.PRINT_FAILED, timeout=5000)
        if screen == "ticket":
            window.run(window.flow.keep_number())
            assert window.flow.step is Step.ISSUED
    elif screen == "refused":
        window.run(window.flow.scanned("https://example.com/whatever"))
        assert window.flow.step is Step.REFUSED
    elif screen == "pin":
        window.enter_admin()
        window.pinpad.press("1")


@pytest.mark.parametrize("size", DISPENSER_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("screen", DISPENSER_SCREENS)
def test_dispenser_screen_fits(qtbot, dispenser, shoot, screen: str, size: tuple[int, int]) -> None:  # noqa: ANN001
    dispenser.resize(*size)
    show_dispenser(qtbot, dispenser, screen)
    settle(qtbot, dispenser)
    shoot(dispenser, f"dispenser/{screen}-{size[0]}x{size[1]}")
    assert_fits(dispenser, size)
