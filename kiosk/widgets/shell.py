"""What every mode shares: full-screen window, header, online/offline banner, an idle timer that sends the
screen home, and the hidden admin gesture → PIN → settings/exit. Sync status is read off the GUI thread."""

from __future__ import annotations

from gui.ops import Ops
from gui.qt import QApplication, QEvent, QObject, QStackedWidget, QTimer, QVBoxLayout, QWidget, Signal
from kiosk.widgets.admin import AdminPanel, CornerTaps, PinPad
from kiosk.widgets.common import Header, StatusBanner

USER_INPUT = (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin, QEvent.Type.KeyPress)


class KioskShell(QWidget):
    sig_idle = Signal()
    sig_exit = Signal()

    def __init__(self, ops: Ops, sync, *, hall: str, title: str, pin: str, facts,  # noqa: ANN001
                 header_px: int = 36,
                 status_ms: int = 2000) -> None:
        super().__init__()
        self.setObjectName("kiosk")
        self.ops, self.sync, self.pin, self.facts = ops, sync, pin, facts
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        self.header = Header(hall, title, height=int(header_px * 3.2), font_px=header_px)
        self.banner = StatusBanner(int(header_px * .75))
        self.stack = QStackedWidget()
        box.addWidget(self.header)
        box.addWidget(self.banner)
        box.addWidget(self.stack, 1)
        self.pinpad, self.admin = PinPad(), AdminPanel(facts())
        self.stack.addWidget(self.pinpad)
        self.stack.addWidget(self.admin)
        self.pinpad.sig_entered.connect(self._pin)
        self.pinpad.sig_cancelled.connect(self.leave_admin)
        self.admin.sig_back.connect(self.leave_admin)
        self.admin.sig_exit.connect(self.sig_exit)
        self._service: QWidget | None = None
        self.closed = False
        self.taps = CornerTaps(self)
        self.taps.sig_triggered.connect(self.enter_admin)
        self.installEventFilter(self.taps)
        self.idle_timer = QTimer(self, singleShot=True, timeout=self.sig_idle.emit)
        self._idle_seconds: int | None = None
        QApplication.instance().installEventFilter(self)
        self.status_timer = QTimer(self, interval=status_ms, timeout=self.poll_status)
        if sync is not None:
            self.status_timer.start()
            self.poll_status()

    # idle ------------------------------------------------------------------------------------------------
    def arm_idle(self, seconds: int | None) -> None:
        self._idle_seconds = seconds
        self.idle_timer.stop()
        if seconds:
            self.idle_timer.start(seconds * 1000)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if event.type() in USER_INPUT and self._idle_seconds:
            self.idle_timer.start(self._idle_seconds * 1000)  # any touch restarts the countdown
        return False

    # status ----------------------------------------------------------------------------------------------
    def poll_status(self) -> None:
        self.ops.run(self.sync.status, on_done=self.alive(self.banner.show_status), on_error=lambda exc: None)

    def alive(self, fn):  # noqa: ANN001, ANN201
        """Wrap a background callback so it is dropped once the window is closed (results may still be
        queued to the GUI thread after that)."""
        return lambda *args: None if self.closed else fn(*args)

    # admin -----------------------------------------------------------------------------------------------
    def enter_admin(self) -> None:
        if self.stack.currentWidget() not in (self.pinpad, self.admin):
            self._service = self.stack.currentWidget()
        self.stack.setCurrentWidget(self.pinpad)

    def _pin(self, entered: str) -> None:
        if entered == self.pin:
            self.admin.show_facts(self.facts())
            self.stack.setCurrentWidget(self.admin)
        else:
            self.pinpad.refuse()

    def leave_admin(self) -> None:
        self.stack.setCurrentWidget(self._service or self.stack.widget(self.stack.count() - 1))
        self.sig_idle.emit()

    def closeEvent(self, event) -> None:  # noqa: ANN001, N802
        self.closed = True
        QApplication.instance().removeEventFilter(self)
        self.status_timer.stop()
        self.idle_timer.stop()
        super().closeEvent(event)
