"""Screens hear of pulls on the sync thread and of results on worker threads, and a screen can be closed and
deleted at any moment in between. Neither may crash the process, fail the sync, or run code for a deleted
screen; and no Qt object may be destroyed on a worker thread."""

from __future__ import annotations

import gc
import logging
import threading

from gui.ops import Ops, on_gui_thread
from gui.qt import QLabel, QObject, QThread, QWidget
from shared.sync.client import SyncClient


class Screen(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.label = QLabel(self)
        self.refreshed = 0

    def refresh(self) -> None:
        self.label.setText("已刷新")
        self.refreshed += 1


def test_a_sync_listener_reaches_the_screen_on_the_gui_thread(qtbot) -> None:  # noqa: ANN001
    screen = Screen()
    qtbot.addWidget(screen)
    seen = []
    screen.refresh = lambda: seen.append(QThread.currentThread())  # type: ignore[method-assign]
    trigger = on_gui_thread(screen.refresh)
    threading.Thread(target=trigger, args=(3,)).start()
    qtbot.waitUntil(lambda: len(seen) == 1)
    assert seen == [screen.thread()]


def test_a_pull_after_the_screen_is_deleted_does_nothing(qtbot) -> None:  # noqa: ANN001
    screen = Screen()
    trigger = on_gui_thread(screen.refresh)
    screen.deleteLater()
    qtbot.wait(20)  # deleted now; the Python wrapper lives on in the trigger
    fired = threading.Thread(target=lambda: [trigger(1) for _ in range(50)])
    fired.start()
    fired.join()
    qtbot.wait(50)  # every queued call ran into the deleted screen and was dropped
    assert screen.refreshed == 0


def test_a_result_arriving_after_its_ops_and_screen_are_gone_is_dropped_on_the_gui_thread(qtbot) -> None:  # noqa: ANN001
    """The worker drops the last references to the task's objects: nothing Qt may be destroyed there."""
    destroyed_on = []
    release = threading.Event()
    ops = Ops()
    watcher = QObject()
    watcher.destroyed.connect(lambda: destroyed_on.append(QThread.currentThread()))
    ops.run(lambda: release.wait(5), on_done=lambda _, held=watcher: held.objectName())
    del watcher, ops  # the screen and its Ops are gone while the work is still running
    gc.collect()
    release.set()
    qtbot.waitUntil(lambda: len(destroyed_on) == 1, timeout=5000)
    assert destroyed_on == [QThread.currentThread()]  # the GUI thread's


def test_a_failing_listener_neither_fails_the_pull_nor_silences_the_others(caplog) -> None:  # noqa: ANN001
    heard = []

    def gone(_changes: int) -> None:
        raise RuntimeError("Signal source has been deleted")

    listeners = [gone, heard.append]
    with caplog.at_level(logging.ERROR, logger="shared.sync.client"):
        SyncClient._tell(listeners, 4)
    assert heard == [4] and "a sync listener failed" in caplog.text
