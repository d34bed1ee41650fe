"""领导 (leader, seed 002 §三(六): the figures a leader decides on, at a glance): the hall's live dashboard
(大厅看板, with its wall-screen mode), 统计分析, and read-only overviews of what is late (超期预警 by department
and step), the handlers' replies to 督办, and the 差评 with their rectification. A leader acts on no case:
no case list with actions is shown, and the 差评 panel offers a leader no action (shared.rating's rules)."""

from __future__ import annotations

from gui.ops import Ops, on_gui_thread
from gui.qt import QTabWidget, QVBoxLayout, QWidget
from client.services.context import Services
from client.services.hall_figures import HallFigures
from client.services.rowsql import RowSql
from client.services.supervision import SupervisionBoard, step_names
from client.services.worklist import Worklist
from client.workspaces.rectification.panel import panel_for
from client.workspaces.statistics.workspace import StatisticsWorkspace
from client.workspaces.supervisor.dashboard import HallDashboard
from client.workspaces.supervisor.overview import DueOverview


class LeaderWorkspace(QWidget):

    def __init__(self, services: Services, ops: Ops, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.services, self.ops = services, ops
        cases = services.cases
        self.steps = step_names(cases.definitions, services.catalogue)
        worklist = Worklist(RowSql(services.engine), services.case_index, cases.user, cases.roles, cases.calendar,
                            cases.clock, everyone=True, step_names=self.steps)
        self.board = SupervisionBoard(RowSql(services.engine), worklist)
        self.figures = HallFigures(RowSql(services.engine), services.reference, services.clock,
                                   self.board.departments, write=ops.write)
        self.figures.keep_fresh(services.sync, ops.run)  # the statistics' days stored in the background
        self.dashboard = HallDashboard(self.figures, ops, services.sync)
        self.statistics = StatisticsWorkspace(services, ops, self.figures)
        self.overview = DueOverview(services, ops, self.board, self.steps, self)
        self.groups, self.replies = self.overview.groups, self.overview.replies
        self.sig_groups, self.sig_replies = self.overview.sig_groups, self.overview.sig_replies
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
        refresh = on_gui_thread(self.refresh)
        services.sync.on_pulled(lambda changed: refresh() if changed else None)
        self.refresh()
        self.dashboard.refresh()

    def refresh(self) -> None:
        self.overview.refresh()
