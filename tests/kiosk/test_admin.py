"""The hidden staff way in: five taps in the top-left corner within three seconds, then the PIN."""

from __future__ import annotations

from gui.ops import Ops
from gui.qt import QPoint, Qt
from kiosk.evaluator import EvaluatorWindow
from kiosk.services.rating import RatingDesk
from kiosk.services.reference import load_directory
from kiosk.widgets.admin import CornerTaps
from tests.kiosk.conftest import make_device


def test_five_quick_taps_only() -> None:
    t = [0.0]
    taps = CornerTaps(clock=lambda: t[0])
    fired = []
    taps.sig_triggered.connect(lambda: fired.append(t[0]))
    for i in range(4):
        t[0] = i * 1.0  # slow taps: 0,1,2,3 s … then a pause
        taps.tap()
    t[0] = 4.5
    taps.tap()
    assert fired == []  # the first tap fell out of the 3-second window
    for _ in range(5):
        t[0] += 0.2
        taps.tap()
    assert len(fired) == 1


def test_gesture_pin_and_settings(qtbot, hall, cache, now, screenshot) -> None:  # noqa: ANN001
    sync, _ = make_device(hall, cache, "evaluator", window_index=2)
    ops = Ops()
    desk = RatingDesk(sync, load_directory(cache), hall[3][2], now=lambda: now[0])
    window = EvaluatorWindow(ops, desk, pin="2468", facts=lambda: [("大厅", "市民服务中心一号大厅"),
                                                                   ("设备编号", sync.device_id),
                                                                   ("服务器", "http://127.0.0.1:8000")])
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    for _ in range(5):
        qtbot.mouseClick(window, Qt.MouseButton.LeftButton, pos=QPoint(20, 20))
    assert window.stack.currentWidget() is window.pinpad
    for key in ("1", "1", "1", "1", "确定"):
        window.pinpad.press(key)
    assert window.pinpad.error.text() == "密码错误，请重试"
    screenshot(window, "evaluator/admin-pin")
    for key in ("2", "4", "6", "8", "确定"):
        window.pinpad.press(key)
    assert window.stack.currentWidget() is window.admin
    assert sync.device_id in window.admin.facts.text()
    screenshot(window, "evaluator/admin-settings")
    with qtbot.waitSignal(window.sig_exit):
        qtbot.mouseClick(window.admin.leave, Qt.MouseButton.LeftButton)
    window.close()
    ops.wait()


def test_dispenser_and_display_screens_for_staff_and_waiting(qtbot, hall, cache, now,  # noqa: ANN001
                                                             screenshot) -> None:
    from kiosk.dispenser import DispenserWindow
    from kiosk.display import DisplayWindow
    from kiosk.flow.dispenser import Step
    from kiosk.services.issuing import TicketDesk
    sync, _ = make_device(hall, cache, "dispenser")
    ops = Ops()
    desk = TicketDesk(sync, load_directory(cache), now=lambda: now[0])
    dispenser = DispenserWindow(ops, desk, pin="2468", facts=lambda: [("大厅", "市民服务中心一号大厅"),
                                                                      ("设备编号", sync.device_id)])
    qtbot.addWidget(dispenser)
    dispenser.resize(1080, 1920)
    dispenser.show()
    dispenser.stack.setCurrentWidget(dispenser.busy)
    screenshot(dispenser, "dispenser/busy")
    dispenser.enter_admin()
    screenshot(dispenser, "dispenser/admin-pin")
    for key in ("2", "4", "6", "8", "确定"):
        dispenser.pinpad.press(key)
    screenshot(dispenser, "dispenser/admin-settings")
    dispenser.leave_admin()
    assert dispenser.stack.currentWidget() is dispenser.home
    # a kiosk whose printer is not configured still issues: the citizen may keep the number
    dispenser.run(dispenser.flow.tap(desk.directory.entries[0].business.id))
    qtbot.waitUntil(lambda: dispenser.flow.step is Step.PRINT_FAILED, timeout=5000)
    assert dispenser.message.title.text() == "本机未配置打印机"
    screenshot(dispenser, "dispenser/print-failed-no-printer")
    dispenser.close()
    display = DisplayWindow(ops, sync, load_directory(cache), None, pin="2468", now=lambda: now[0])
    qtbot.addWidget(display)
    display.resize(1920, 1080)
    display.show()
    board = display.board
    qtbot.waitUntil(lambda: bool(board._waiting_rows) and board._waiting_rows[0][0].isVisible(), timeout=3000)
    screenshot(display, "display/empty")
    display.enter_admin()
    screenshot(display, "display/admin-pin")
    display.close()
    ops.wait()
