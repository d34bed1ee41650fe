"""Commands the server refused, with the reason in Chinese; the author acknowledges each one (SYNC.md: every
rejection reaches its author). A stale approval command says who changed the case and when."""

from __future__ import annotations

from client.i18n.errors import error_text
from client.i18n.labels import action_text, approval_error, queue_error
from gui.ops import Ops
from gui.qt import (QAbstractItemView, QDialog, QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableWidget,
                       QTableWidgetItem, QVBoxLayout, Signal)
from shared.sync.client import SyncClient
from shared.sync.status import RejectedCommand

COMMAND_NAMES = {"queue.call": "叫号", "queue.recall": "重呼", "queue.start": "开始办理", "queue.finish": "办结",
                 "queue.hold": "挂起", "queue.no_show": "过号", "queue.transfer": "转移", "queue.pause": "暂停",
                 "queue.resume": "恢复", "number.issue": "编号登记"}


def command_name(name: str) -> str:
    if name.startswith("approval."):
        return "审批·" + action_text(name.removeprefix("approval."))
    return COMMAND_NAMES.get(name, name)


def reason_text(r: RejectedCommand) -> str:
    if r.name.startswith("approval."):
        text = approval_error(r.code)
        if r.code == "stale_command" and r.details.get("changed_by"):
            when = str(r.details.get("changed_at", ""))[:16].replace("T", " ")
            text += f"（{r.details['changed_by']} 于 {when} 办理）"
        return text
    if r.name.startswith("queue."):
        return queue_error(r.code)
    return error_text(r.code, r.message)


class RejectedDialog(QDialog):
    sig_acknowledged = Signal(str)  # command id

    def __init__(self, sync: SyncClient, ops: Ops, rejected: list[RejectedCommand],
                 parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.sync, self.ops, self.rejected = sync, ops, list(rejected)
        self.setWindowTitle(self.tr("被服务器退回的操作"))
        self.resize(760, 360)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([self.tr("序号"), self.tr("操作"), self.tr("原因"), self.tr("代码")])
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(True)
        self.empty = QLabel(self.tr("没有被退回的操作。"))
        self.ack = QPushButton(self.tr("已知晓"))
        self.ack.clicked.connect(self.acknowledge_selected)
        close = QPushButton(self.tr("关闭"))
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.ack)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("以下操作已被服务器拒绝，本机的预先改动已撤回。请核实后重新办理。")))
        layout.addWidget(self.table)
        layout.addWidget(self.empty)
        layout.addLayout(buttons)
        self._fill()

    def _fill(self) -> None:
        self.table.setRowCount(len(self.rejected))
        for i, r in enumerate(self.rejected):
            for col, value in enumerate((str(r.seq), command_name(r.name), reason_text(r), r.code)):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.table.setItem(i, col, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.resizeRowsToContents()  # the reason wraps (who changed the case and when) instead of "…"
        self.empty.setVisible(not self.rejected)
        self.ack.setEnabled(bool(self.rejected))
        if self.rejected:
            self.table.selectRow(0)

    def showEvent(self, event) -> None:  # noqa: ANN001, N802
        super().showEvent(event)
        self.table.resizeRowsToContents()  # the reason column has its final width only now

    def acknowledge_selected(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.rejected):
            return
        done = self.rejected.pop(row)
        self.ops.write(lambda: self.sync.acknowledge(done.command_id),
                       on_done=lambda _: self.sig_acknowledged.emit(done.command_id))
        self._fill()
