"""The GUI groundwork: Chinese renders, and background operations deliver on the GUI thread."""

from __future__ import annotations

import threading

from gui.ops import Ops
from gui.qt import QLabel, QThreadPool
from gui.fonts import renders_chinese


def test_application_font_has_chinese_glyphs(qapp, chinese_font, screenshot) -> None:
    assert renders_chinese(qapp.font()), qapp.font().family()
    label = QLabel("政务服务中心 · 请 A023 号到 3 号窗口办理")
    label.resize(480, 60)
    path = screenshot(label, "foundation/chinese-label")
    assert path.stat().st_size > 1000


def test_run_delivers_result_on_the_gui_thread(qtbot) -> None:
    ops = Ops()
    gui = threading.get_ident()
    seen: dict = {}

    def work() -> int:
        seen["worker"] = threading.get_ident()
        return 42

    def done(result: int) -> None:
        seen["result"], seen["callback"] = result, threading.get_ident()

    ops.run(work, on_done=done)
    qtbot.waitUntil(lambda: "result" in seen, timeout=3000)
    assert seen["result"] == 42 and seen["callback"] == gui and seen["worker"] != gui


def test_errors_reach_on_error_and_never_escape(qtbot) -> None:
    ops = Ops()
    errors: list[Exception] = []
    ops.run(lambda: 1 / 0, on_done=lambda r: errors.append(AssertionError("no")), on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=3000)
    assert isinstance(errors[0], ZeroDivisionError)


def test_writes_run_one_at_a_time_in_order(qtbot) -> None:
    ops = Ops()
    order: list[int] = []
    running = {"now": 0, "max": 0}
    lock = threading.Lock()

    def write(n: int):
        def fn() -> int:
            with lock:
                running["now"] += 1
                running["max"] = max(running["max"], running["now"])
            threading.Event().wait(0.005)
            with lock:
                running["now"] -= 1
            return n
        return fn

    for n in range(20):
        ops.write(write(n), on_done=order.append)
    qtbot.waitUntil(lambda: len(order) == 20, timeout=5000)
    assert order == list(range(20)) and running["max"] == 1
    assert ops.wait() and QThreadPool.globalInstance() is not None
