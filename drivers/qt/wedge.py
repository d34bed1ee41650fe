"""Keyboard-wedge scanner detection as a Qt event filter (install it on the application or a window).

Keys pass through untouched (a person typing is never disturbed); when a fast burst ends in Enter, the
filter emits `sig_scanned(code)` and swallows that Enter so a focused form is not submitted by the scan."""

from __future__ import annotations

import time

from gui.qt import QEvent, QObject, Qt, Signal

from drivers.scanner.wedge import WedgeDetector

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class WedgeScanFilter(QObject):
    sig_scanned = Signal(str)

    def __init__(self, parent: QObject | None = None, max_gap: float = 0.04, min_length: int = 4,
                 clock=time.monotonic) -> None:
        super().__init__(parent)
        self.detector = WedgeDetector(max_gap, min_length)
        self.clock = clock

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if event.type() != QEvent.Type.KeyPress:
            return False
        if event.isAutoRepeat():
            return False
        now = self.clock()
        code = self.detector.key(event.text(), now, enter=event.key() in _ENTER)
        if code is not None:
            self.sig_scanned.emit(code)
            return True
        return False
