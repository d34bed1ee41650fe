"""The hall display mode: re-reads the synced rows off the GUI thread whenever a sync pull brought changes
(with a slow timer as a safety net), shows them, and hands every call not yet announced to the drivers'
announcement queue (strictly in order, with the configured repeats)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from gui.ops import Ops, on_gui_thread
from gui.qt import QCoreApplication, QTimer
from kiosk import texts
from kiosk.flow.display import current_per_window, recent, to_announce
from kiosk.screens.display_board import DisplayBoard
from kiosk.services.board import BoardState, load_announced, read_board, save_announced
from kiosk.services.reference import HallDirectory
from kiosk.widgets.shell import KioskShell
from kiosk.widgets.theme import fit_scale
from shared.queue.clock import CHINA_TZ


class DisplayWindow(KioskShell):
    DESIGN = (1920, 1080)
    def __init__(self, ops: Ops, sync, directory: HallDirectory, announcer=None, *,  # noqa: ANN001
                 notice: str = "",
                 repeat: int = 1, pin: str = "", facts=lambda: [], refresh_ms: int = 5000,  # noqa: ANN001
                 now: Callable[[], dt.datetime] | None = None) -> None:
        title = QCoreApplication.translate("Kiosk", "叫号信息")
        default_notice = QCoreApplication.translate("Kiosk", "请保管好随身财物；过号请重新取号；办事指南请扫描窗口二维码。")
        super().__init__(ops, sync, hall=directory.hall_name, title=title, pin=pin, facts=facts,
                         header_px=32, now=now)
        self.setStyleSheet("QWidget#kiosk { background: #0a1628; }")
        self.directory, self.announcer, self.repeat = directory, announcer, repeat
        self.now = now or (lambda: dt.datetime.now(CHINA_TZ))
        self.board = DisplayBoard([w.number for w in directory.windows],
                                  notice or default_notice)
        self.stack.addWidget(self.board)
        self.stack.setCurrentWidget(self.board)
        self.sig_idle.connect(lambda: self.stack.setCurrentWidget(self.board))
        self.announced: set[str] | None = None
        self.day = self.now().date()
        self._reading, self._stale = False, False
        # Woken by each pull that brought changes; the timer only covers a missed notice and the day change.
        self.timer = QTimer(self, interval=refresh_ms, timeout=self.refresh)
        self._on_pulled = on_gui_thread(self.refresh)  # called on the sync thread
        sync.on_pulled(self._on_pulled)
        self._loaded = False
        ops.run(lambda: load_announced(sync, self.day), on_done=self.alive(self._remembered),
                on_error=lambda exc: None)

    def fit_to(self, width: int, height: int) -> None:
        super().fit_to(width, height)
        self.board.set_fit(fit_scale(width, height, self.DESIGN))

    def _remembered(self, announced: set[str] | None) -> None:
        self.announced, self._loaded = announced, True
        self.timer.start()
        self.refresh()

    def refresh(self) -> None:
        if self.closed or not self._loaded:
            # closed: the sync client outlives this window. Not loaded: the memory of announced calls comes
            # first, otherwise a call could be announced twice.
            return
        if self._reading:
            self._stale = True  # never pile up reads on a slow disk: read once more when this one is done
            return
        self._reading = True
        day = self.now().date()
        if day != self.day:
            self.day, self.announced = day, None
        self.ops.run(lambda: read_board(self.sync, self.directory, day), on_done=self.alive(self._show),
                     on_error=self._failed)

    def closeEvent(self, event) -> None:  # noqa: ANN001, N802
        self.timer.stop()
        super().closeEvent(event)

    def _failed(self, exc: Exception) -> None:
        self._read_done()

    def _read_done(self) -> None:
        self._reading = False
        if self._stale:
            self._stale = False
            self.refresh()

    def _show(self, state: BoardState) -> None:
        fresh = to_announce(state.calls, self.announced, self.now())
        known = self.announced if self.announced is not None else set()
        self.announced = known | {c.id for c in state.calls}
        newest = state.calls[-1] if state.calls else None
        self.board.show_calls(current_per_window(state.calls), state.paused, recent(state.calls, 6), newest)
        self.board.show_waiting(state.waiting)
        for call in fresh:
            self.board.show_newest(call)
            if self.announcer is not None:
                spoken = self.announcer.announce(call.display, call.window_number)
                for _ in range(self.repeat):
                    self.announcer.repeat(spoken)
        if fresh or known != self.announced:
            ids, day = set(self.announced), self.day
            self.ops.write(lambda: save_announced(self.sync, day, ids))
        self._read_done()
