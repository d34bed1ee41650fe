"""The status bar's sync part: online or offline, last successful sync, commands waiting to be sent, and a
button to the commands the server refused (with their reasons). Status is read off the GUI thread."""

from __future__ import annotations

from client.dialogs.rejected import RejectedDialog
from gui.ops import Ops
from gui.qt import QHBoxLayout, QLabel, QPushButton, QTimer, QWidget, Signal
from shared.sync.client import SyncClient
from shared.sync.status import SyncStatus


class SyncStatusWidget(QWidget):
    sig_status = Signal(object)  # SyncStatus, after each refresh

    def __init__(self, sync: SyncClient, ops: Ops, registered: bool = True, interval_ms: int = 2000,
                 parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.sync, self.ops, self.registered = sync, ops, registered
        self.status: SyncStatus | None = None
        self.online = QLabel()
        self.last = QLabel()
        self.pending = QLabel()
        self.rejected = QPushButton()
        self.rejected.setFlat(True)
        self.rejected.clicked.connect(self.show_rejected)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        for w in (self.online, self.last, self.pending, self.rejected):
            layout.addWidget(w)
        self._busy = False
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.refresh)
        self.timer.start(interval_ms)
        ops.sig_written.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        if self._busy:
            return
        self._busy = True
        self.ops.run(self.sync.status, on_done=self._show, on_error=lambda e: setattr(self, "_busy", False))

    def _show(self, status: SyncStatus) -> None:
        self._busy = False
        self.status = status
        if not self.registered:
            self.online.setText(self.tr("● 工作站未注册（仅本机保存）"))
            self.online.setStyleSheet("color: #b7791f;")
        elif status.credential_revoked:
            self.online.setText(self.tr("● 本工作站凭证已被吊销，无法同步，请联系管理员"))
            self.online.setStyleSheet("color: #c62828; font-weight: bold;")
        elif status.online:
            self.online.setText(self.tr("● 在线"))
            self.online.setStyleSheet("color: #2e7d32;")
        else:
            self.online.setText(self.tr("● 离线"))
            self.online.setStyleSheet("color: #c62828;")
        when = status.last_success_at.astimezone().strftime("%H:%M:%S") if status.last_success_at else "—"
        self.last.setText(self.tr("最近同步：{0}").format(when))
        self.pending.setText(self.tr("待上传：{0} 条").format(status.pending))
        count = len(status.rejected)
        self.rejected.setText(self.tr("被退回：{0} 条").format(count))
        self.rejected.setStyleSheet("color: #c62828; font-weight: bold;" if count else "color: #66788a;")
        self.sig_status.emit(status)

    def show_rejected(self) -> RejectedDialog:
        dialog = RejectedDialog(self.sync, self.ops, self.status.rejected if self.status else [], self)
        dialog.sig_acknowledged.connect(self.refresh)
        dialog.open()
        return dialog
