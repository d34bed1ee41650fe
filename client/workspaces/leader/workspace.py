"""领导 (leader, seed 002 §三(六): the figures a leader decides on, at a glance): the hall's live dashboard
(大厅看板, with its wall-screen mode), 统计分析, and read-only overviews of what is late (超期预警 by department
and step), the handlers' replies to 督办, and the 差评 with their rectification. A leader acts on no case:
no case list with actions is shown, and the 差评 panel offers a leader no action (shared.rating's rules)."""

from __future__ import annotations

from gui.ops import Ops
from gui.qt import (QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QTabWidget, Qt, QVBoxLayout,
                    QWidget, Signal)
from client.services.context import Services
from client.services.hall_figures import HallFigures
from client.services.rowsql import RowSql
from client.services.supervision import DueGroup, Reply, SupervisionBoard, step_names
from client.services.worklist import Worklist
from client.workspaces.rectification.panel import panel_for
from client.workspaces.statistics.workspace import StatisticsWorkspace
from client.workspaces.supervisor.dashboard import HallDashboard


class LeaderWorkspace(QWidget):
    sig_groups = Signal(object)   # list[DueGroup]
    sig_replies = Signal(object)  # list[Reply]
    sig_pulled = Signal()         # emitted on the sync thread, delivered on the GUI thread

    def __init__(self, services: Services, ops: Ops, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.services, self.ops = services, ops
        self._grouping, self._replying = ops.latest(), ops.latest()  # each pull asks again: newest answer wins
        cases = services.cases
        self.steps = step_names(cases.definitions, services.catalogue)
        worklist = Worklist(RowSql(services.engine), services.case_index, cases.user, cases.roles, cases.calendar,
                            cases.clock, everyone=True, step_names=self.steps)
        self.board = SupervisionBoard(RowSql(services.engine), worklist)
        self.figures = HallFigures(RowSql(services.engine), services.reference, services.clock,
                                   self.board.departments)
        self.dashboard = HallDashboard(self.figures, ops, services.sync)
        self.statistics = StatisticsWorkspace(services, ops, self.figures)
        self.groups = _table([self.tr("部门"), self.tr("环节"), self.tr("即将超期（黄牌）"), self.tr("超期（红牌）")])
        self.replies = _table([self.tr("办件"), self.tr("回复人"), self.tr("时间"), self.tr("回复内容")])
        self.rectification = panel_for(services, ops)
        self.pages = QTabWidget()
        self.pages.addTab(self.dashboard, self.tr("大厅看板"))
        self.pages.addTab(self.statistics, self.tr("统计分析"))
        self.pages.addTab(self.groups, self.tr("超期预警"))
        self.pages.addTab(self.replies, self.tr("督办回复"))
        self.pages.addTab(self.rectification, self.tr("差评整改"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)
        self.sig_pulled.connect(self.refresh)
        services.sync.on_pulled(lambda changed: self.sig_pulled.emit() if changed else None)
        self.refresh()
        self.dashboard.refresh()

    def refresh(self) -> None:
        self._grouping.run(self.board.groups, on_done=self._show_groups)
        self._replying.run(self.board.replies, on_done=self._show_replies)

    def _show_groups(self, groups: list[DueGroup]) -> None:
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


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    return table
