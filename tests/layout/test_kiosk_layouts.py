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
from tests.layout.layout_check import check, report, settle

DISPENSER_SIZES = ((1080, 1920), (1920, 1080), (1280, 1024), (1366, 768))
DISPENSER_SCREENS = ("home", "home-elderly", "pick-for-person", "print-failed", "ticket", "refused", "pin")
PERSON = "11010519491231002X"


def assert_fits(window, size: tuple[int, int]) -> None:  # noqa: ANN001
    assert (window.width(), window.height()) == size, f"the window is {window.width()}x{window.height()}"
    problems = check(window)
    assert problems == [], report(problems)


# dispenser ---------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def dispenser(qapp, tmp_path_factory):  # noqa: ANN001, ANN201
    engine = demo_cache(tmp_path_factory.mktemp("dispenser"))
    desk = TicketDesk(offline_sync(engine, "dispenser"), load_directory(engine), ticket_key=INDEX_KEY,
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


# evaluator ---------------------------------------------------------------------------------------------------
EVALUATOR_SIZES = ((1280, 800), (800, 1280))
EVALUATOR_SCREENS = ("idle", "ask", "reason", "thanks", "pin")


@pytest.fixture(scope="module")
def evaluator(qapp, tmp_path_factory):  # noqa: ANN001, ANN201
    from kiosk.evaluator import EvaluatorWindow
    from kiosk.services.rating import RatingDesk
    engine = demo_cache(tmp_path_factory.mktemp("evaluator"))
    directory = load_directory(engine)
    window_id = next(w.id for w in directory.windows if w.number == 3)
    desk = RatingDesk(offline_sync(engine, "evaluator"), directory, window_id, now=lambda: MONDAY_10)
    ops = Ops()
    window = EvaluatorWindow(ops, desk, pin="2468", ask_seconds=600, poll_ms=50)
    window.show()
    yield window
    window.close()
    ops.wait()
    engine.dispose()


def serve_new_ticket(qtbot, window, seq: list[int]) -> str:  # noqa: ANN001
    """What a pull brings when window 3 calls the next citizen: a new ticket served by the demo clerk."""
    from tests.kiosk.test_evaluator import publish_ticket
    seq[0] += 1
    ticket_id = str(uuid.uuid4())
    publish_ticket(window.desk.sync, window.desk.directory.hall_id, window.desk.window_id, "serving", ticket_id,
                   seq[0], MONDAY_10 + dt.timedelta(minutes=seq[0]))
    qtbot.waitUntil(lambda: window.flow.serving is not None and window.flow.serving.ticket_id == ticket_id,
                    timeout=5000)
    return ticket_id


def show_evaluator(qtbot, window, screen: str, seq: list[int]) -> None:  # noqa: ANN001
    from shared.queue.ratings import RatingLevel
    if window.stack.currentWidget() in (window.pinpad, window.admin):
        window.leave_admin()
    window.run(window.flow.idle())
    window.run(window.flow.idle())  # ask → thanks → idle
    serve_new_ticket(qtbot, window, seq)
    window.show_step()
    if screen == "idle":
        assert window.clerk.serving.text().startswith("正在办理")
    elif screen in ("ask", "reason", "thanks"):
        window.run(window.flow.evaluation_key())  # the clerk's keypad: 请评价
        if screen == "reason":
            window.run(window.flow.choose(RatingLevel.VERY_DISSATISFIED))
        elif screen == "thanks":
            window.run(window.flow.choose(RatingLevel.SATISFIED))
    elif screen == "pin":
        window.enter_admin()


@pytest.fixture(scope="module")
def ticket_seq() -> list[int]:
    return [0]


@pytest.mark.parametrize("size", EVALUATOR_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("screen", EVALUATOR_SCREENS)
def test_evaluator_screen_fits(qtbot, evaluator, ticket_seq, shoot, screen: str,  # noqa: ANN001
                               size: tuple[int, int]) -> None:
    evaluator.resize(*size)
    show_evaluator(qtbot, evaluator, screen, ticket_seq)
    settle(qtbot, evaluator)
    shoot(evaluator, f"evaluator/{screen}-{size[0]}x{size[1]}")
    assert_fits(evaluator, size)


# hall display ------------------------------------------------------------------------------------------------
DISPLAY_SIZES = ((1920, 1080), (3840, 2160))


@pytest.fixture(scope="module")
def display(qapp, tmp_path_factory):  # noqa: ANN001, ANN201
    from kiosk.display import DisplayWindow
    engine = demo_cache(tmp_path_factory.mktemp("display"))
    ops = Ops()
    window = DisplayWindow(ops, offline_sync(engine, "display"), load_directory(engine), None,
                           now=lambda: MONDAY_10, refresh_ms=100,
                           notice="今天大厅办理时间 9:00-17:30，中午不休息。请保管好随身财物。")
    window.show()
    yield window
    window.close()
    ops.wait()
    engine.dispose()


@pytest.mark.parametrize("size", DISPLAY_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_display_empty_board_fits(qtbot, display, shoot, size: tuple[int, int]) -> None:  # noqa: ANN001
    display.resize(*size)
    qtbot.waitUntil(lambda: bool(display.board._waiting_rows), timeout=5000)  # the first read is shown
    settle(qtbot, display)
    shoot(display, f"display/empty-{size[0]}x{size[1]}")
    assert_fits(display, size)


@pytest.mark.parametrize("size", DISPLAY_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_display_board_with_calls_fits(qtbot, display, shoot, size: tuple[int, int]) -> None:  # noqa: ANN001
    from tests.kiosk.test_display import publish_call
    directory = display.directory
    if not display.announced:
        windows = {w.number: w.id for w in directory.windows}
        for seq, (ticket, number) in enumerate((("A001", 1), ("D001", 4), ("B001", 6), ("C001", 7),
                                                ("A002", 2), ("E001", 9), ("D-1F2E3D-001", 5)), start=1):
            publish_call(display.sync, directory.hall_id, ticket, number, windows[number],
                         MONDAY_10 + dt.timedelta(seconds=seq), seq)
        qtbot.waitUntil(lambda: display.board.cells[5].ticket.text() == "D-1F2E3D-001", timeout=5000)
    display.resize(*size)
    display.board.flash.stop()  # the steady colour, as after the five seconds of blinking
    display.board.flash_left = 0
    settle(qtbot, display)
    shoot(display, f"display/calls-{size[0]}x{size[1]}")
    assert_fits(display, size)
