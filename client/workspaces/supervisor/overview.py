"""超期预警 by department and step and the handlers' written replies to 督办: two read-only tables kept up to
date from the cache, shown to the supervisor (who acts on them) and to the leader (who only looks)."""

from __future__ import annotations

from gui.ops import Ops
from gui.qt import QAbstractItemView, QHeaderView, QObject, QTableWidget, QTableWidgetItem, Qt, Signal
from client.services.context import Services
from client.services.supervision import DueGroup, Reply, SupervisionBoard


class DueOverview(QObject):
    sig_groups = Signal(object)   # list[DueGroup]
    sig_replies = Signal(object)  # list[Reply]

    def __init__(self, services: Services, ops: Ops, board: SupervisionBoard, steps: dict[str, str],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.services, self.board, self.steps = services, board, steps
        self._grouping, self._replying = ops.latest(), ops.latest()  # each pull asks again: newest answer wins
        self.shown: list[DueGroup] = []
        self.groups = read_only_table([self.tr("部门"), self.tr("环节"), self.tr("即将超期（黄牌）"),
                                       self.tr("超期（红牌）")])
        self.replies = read_only_table([self.tr("办件"), self.tr("回复人"), self.tr("时间"), self.tr("回复内容")])

    def refresh(self) -> None:
        self._grouping.run(self.board.groups, on_done=self._show_groups)
        self._replying.run(self.board.replies, on_done=self._show_replies)

    def _show_groups(self, groups: list[DueGroup]) -> None:
        self.shown = groups
        self.groups.setRowCount(len(groups))
        for i, g in enumerate(groups):
            values = (g.department or self.tr("（未指定）"), self.steps.get(g.step, g.step), str(g.yellow), str(g.red))
            for col, value in enumerate(values):
                item = QTableWidgetItem(value)
                if col == 3 and g.red:
                    item.setForeground(Qt.GlobalColor.red)
                self.groups.setItem(i, col, item)
        self.sig_groups.emit(groups)

    def _show_replies(self, replies: list[Reply]) -> None:
        self.replies.setRowCount(len(replies))
        for i, r in enumerate(replies):
            number = self.services.case_index.case_number(r.case_id)
            for col, value in enumerate((number, self.services.reference.staff_name(r.by), r.at[:16], r.reply)):
                self.replies.setItem(i, col, QTableWidgetItem(value))
        self.sig_replies.emit(replies)


def read_only_table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    return table
