"""Staff alerts on the desktop: after each pull (and every few seconds) the cache's latest alerts are read off
the GUI thread; those not seen before pop up as a system tray message where the desktop has a tray, and in
the status bar always. Alerts already there at sign-in count as seen (the worklists show them)."""

from __future__ import annotations

from gui.ops import Ops, on_gui_thread
from gui.qt import QMainWindow, QObject, QSystemTrayIcon, QTimer, Signal
from client.services.rowsql import RowSql
from client.services.staff_alerts import StaffAlert, latest_alerts


class AlertWatch(QObject):
    sig_new = Signal(object)  # list[StaffAlert], oldest first

    def __init__(self, sync, ops: Ops, roles, parent: QObject | None = None,  # noqa: ANN001
                 poll_ms: int = 5000) -> None:
        super().__init__(parent)
        self.sql, self.ops, self.roles = RowSql(sync.engine), ops, tuple(roles)
        self.known: set[str] | None = None
        sync.on_pulled(on_gui_thread(self.refresh))
        self.timer = QTimer(self, interval=poll_ms, timeout=self.refresh)
        self.timer.start()

    def refresh(self) -> None:
        self.ops.run(lambda: latest_alerts(self.sql, self.roles), on_done=self._read, on_error=lambda exc: None)

    def _read(self, alerts: list[StaffAlert]) -> None:
        first, ids = self.known is None, {a.id for a in alerts}
        new = [] if first else [a for a in reversed(alerts) if a.id not in self.known]
        self.known = ids if first else self.known | ids
        if new:
            try:
                self.sig_new.emit(new)
            except RuntimeError:
                pass


class AlertTray(QObject):
    """Shows new alerts: a tray message (10 s) and the status bar line of the main window."""

    def __init__(self, watch: AlertWatch, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.tray: QSystemTrayIcon | None = None
        self.shown: list[tuple[str, str]] = []  # (title, text) of every message popped, newest last
        watch.sig_new.connect(self.pop_up)

    def title(self, alerts: list[StaffAlert]) -> str:
        names = {"new_todo": self.tr("新待办"), "urged": self.tr("催办"), "supervised": self.tr("督办"),
                 "near_due": self.tr("临近时限")}
        kinds = list(dict.fromkeys(names.get(a.event, a.event) for a in alerts))
        return self.tr("{0}（{1}条）").format("、".join(kinds), len(alerts))

    def pop_up(self, alerts: list[StaffAlert]) -> None:
        title, text = self.title(alerts), "\n".join(a.text for a in alerts)
        self.shown.append((title, text))
        latest = alerts[-1].text if len(alerts) == 1 else f"{title}：{alerts[-1].text}"  # texts name their kind
        self.window.statusBar().showMessage(latest, 30000)
        if not QSystemTrayIcon.isSystemTrayAvailable():
            return
        if self.tray is None:
            self.tray = QSystemTrayIcon(self.window.windowIcon(), self)
            self.tray.show()
        icon = (QSystemTrayIcon.MessageIcon.Warning if any(a.event in ("urged", "supervised") for a in alerts)
                else QSystemTrayIcon.MessageIcon.Information)
        self.tray.showMessage(title, text, icon, 10000)
