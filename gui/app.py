"""One way to start a Qt application for every GovHall program: the Chinese font applied, the application
named, and SIGINT/SIGTERM (Ctrl+C, systemd, the demo runner) ending the event loop so the program shuts down
through its normal path (sync loop stopped, devices closed) instead of dying mid-write."""

from __future__ import annotations

import signal
import sys

from gui import probe
from gui.fonts import apply_chinese_font
from gui.qt import QApplication, QTimer

_SIGNAL_POLL_MS = 250  # Python runs signal handlers only when the interpreter gets control


def application(name: str, argv: list[str] | None = None, *, quit_on_signals: bool = True) -> QApplication:
    app = QApplication.instance() or QApplication((argv or sys.argv)[:1])
    app.setApplicationName(name)
    app.setOrganizationName("GovHall")
    apply_chinese_font(app)
    if quit_on_signals:
        _quit_on_signals(app)
    app._govhall_probe = probe.install(app)  # only when GOVHALL_UI_PROBE is set (tests, support)
    return app


def _quit_on_signals(app: QApplication) -> None:
    def stop(signum, _frame) -> None:  # noqa: ANN001
        app.exit(128 + signum)

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, stop)
    wake = QTimer(app)
    wake.timeout.connect(lambda: None)
    wake.start(_SIGNAL_POLL_MS)
    app._govhall_signal_timer = wake  # keep a reference for the application's lifetime
