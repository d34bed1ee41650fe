"""What every mode shares: full-screen window, header, online/offline banner, an idle timer that sends the
screen home, and the hidden admin gesture → PIN → settings/exit. Sync status is read off the GUI thread."""

from __future__ import annotations

from gui.ops import Ops
from gui.qt import QApplication, QEvent, QLayout, QObject, QStackedWidget, QTimer, QVBoxLayout, QWidget, Signal
from kiosk.widgets.admin import AdminPanel, CornerTaps, PinPad
from kiosk.widgets.common import Header, StatusBanner
from kiosk.widgets.theme import ELDERLY, NORMAL, Theme, fit_scale

USER_INPUT = (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin, QEvent.Type.KeyPress)


class KioskShell(QWidget):
    """`DESIGN` is the screen size (width, height) the mode's sizes were drawn for; on any other screen the
    shell computes a fit (kiosk.widgets.theme.fit_scale) whenever it is resized and calls `fit_to`, which
    each mode extends to re-size its own screens. Sizes follow the screen; no screen is special-cased."""

    sig_idle = Signal()
    sig_exit = Signal()
    DESIGN: tuple[int, int] = (1080, 1920)

    def __init__(self, ops: Ops, sync, *, hall: str, title: str, pin: str, facts,  # noqa: ANN001
                 header_px: int = 36,
                 status_ms: int = 2000, now=None) -> None:  # noqa: ANN001  the hall clock, for the header
        super().__init__()
        self.setObjectName("kiosk")
        self.ops, self.sync, self.pin, self.facts = ops, sync, pin, facts
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        # The window takes the screen's size, whatever its contents ask for: they are re-sized to it (fit_to)
        # instead of pushing the window past the screen's edge.
        box.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self.header_px = header_px
        self.fitted: tuple | None = None
        self.header = Header(hall, title, height=int(header_px * 3.2), font_px=header_px, now=now)
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

    # screen size -----------------------------------------------------------------------------------------
    def resizeEvent(self, event) -> None:  # noqa: ANN001, N802 (Qt name)
        super().resizeEvent(event)
        size = event.size()
        # Re-fit only when something would change: the scale, the orientation or the tiles a row holds.
        fit = (fit_scale(size.width(), size.height(), self.DESIGN), size.width() > size.height(),
               *(base.fitted(size.width(), size.height(), self.DESIGN).columns for base in (NORMAL, ELDERLY)))
        if fit != self.fitted:
            self.fitted = fit
            self.fit_to(size.width(), size.height())

    def fit_to(self, width: int, height: int) -> None:
        """Re-size what every mode shares: the header, the banner and the staff pages."""
        theme = NORMAL.fitted(width, height, self.DESIGN)
        px = theme.px(self.header_px)
        self.header.set_size(int(px * 3.2), px)
        self.banner.set_font_px(int(px * .75))
        self.pinpad.restyle(theme)
        self.admin.restyle(theme)

    def theme_for(self, base: Theme) -> Theme:
        """`base` fitted to the current window size."""
        return base.fitted(max(1, self.width()), max(1, self.height()), self.DESIGN)

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
