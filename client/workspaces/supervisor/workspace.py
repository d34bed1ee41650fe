"""督查督办: near-due and overdue cases by department and step (click a line to list its cases), the case list
and detail where urging and supervising are done, the handlers' written replies, and the hall's devices with
their open faults; beside it the hall's live dashboard (大厅看板) and 统计分析."""

from __future__ import annotations

from gui.ops import Ops
from gui.qt import QGroupBox, QPushButton, QSplitter, QTabWidget, Qt, QVBoxLayout, QWidget
from client.services.context import Services
from client.services.hall_figures import HallFigures
from client.services.rowsql import RowSql
from client.services.supervision import SupervisionBoard, step_names
from client.widgets.device_alerts import DeviceTable, FaultWatch
from client.workspaces.approver.workspace import ApproverWorkspace
from client.workspaces.archive.page import archive_page
from client.workspaces.licences.register import register_page
from client.workspaces.rectification.panel import panel_for
from client.workspaces.statistics.workspace import StatisticsWorkspace
from client.workspaces.supervisor.dashboard import HallDashboard
from client.workspaces.supervisor.overview import DueOverview


class SupervisorWorkspace(QWidget):
    def __init__(self, services: Services, ops: Ops, parent=None, faults: FaultWatch | None = None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.services, self.ops = services, ops
        self.cases = ApproverWorkspace(services, ops, everyone=True, materials=services.attachments)
        self.cases.tabs.setCurrentIndex(4)  # 超期 first: what a supervisor looks at
        self.cases.sig_acted.connect(lambda _: self.refresh())
        self.board = SupervisionBoard(RowSql(services.engine), self.cases.worklist)
        self.steps = step_names(services.cases.definitions, services.catalogue)
        self.overview = DueOverview(services, ops, self.board, self.steps, self)
        self.groups, self.replies = self.overview.groups, self.overview.replies
        self.sig_groups, self.sig_replies = self.overview.sig_groups, self.overview.sig_replies
        self.groups.cellClicked.connect(self._group_clicked)
        show_all = QPushButton(self.tr("显示全部部门"))
        show_all.clicked.connect(lambda: self.cases.set_filter(department=None, step=None))
        board = QGroupBox(self.tr("超期预警（按部门、环节）"))
        QVBoxLayout(board).addWidget(self.groups)
        board.layout().addWidget(show_all)
        side = QTabWidget()
        side.addTab(board, self.tr("预警总览"))
        side.addTab(self.replies, self.tr("督办回复"))
        self.rectification = panel_for(services, ops)
        side.addTab(self.rectification, self.tr("差评整改与申诉复核"))
        self.devices = DeviceTable(faults) if faults is not None else None
        if self.devices is not None:
            side.addTab(self.devices, self.tr("设备状态"))
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(side)
        split.addWidget(self.cases)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 3)
        self.figures = HallFigures(RowSql(services.engine), services.reference, services.clock,
                                   self.board.departments, write=ops.write)
        self.figures.keep_fresh(services.sync, ops.run)  # the statistics' days stored in the background
        self.dashboard = HallDashboard(self.figures, ops, services.sync)
        self.statistics = StatisticsWorkspace(services, ops, self.figures)
        self.pages = QTabWidget()
        self.pages.addTab(split, self.tr("督查督办"))
        self.pages.addTab(self.dashboard, self.tr("大厅看板"))
        self.pages.addTab(self.statistics, self.tr("统计分析"))
        self.licences = register_page(services, ops)
        self.pages.addTab(self.licences, self.tr("证照库"))
        self.cases.detail.links_licences = True  # a 延续/变更 case's licence number opens this tab on it
        self.cases.detail.sig_licence_link.connect(self.show_licence)
        self.archive = archive_page(services, ops)
        self.pages.addTab(self.archive, self.tr("电子档案"))
        self.pages.currentChanged.connect(self._first_archive_look)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)
        self.refresh()
        self.dashboard.refresh()

    def _first_archive_look(self, index: int) -> None:
        # the archive is the server's: ask it when the tab is first opened, not at every sign-in
        if self.pages.widget(index) is self.archive and self.archive.period is None:
            self.archive.search()

    def show_licence(self, number: str) -> None:
        self.pages.setCurrentWidget(self.licences)
        self.licences.show_number(number)

    def refresh(self) -> None:
        self.overview.refresh()

    def _group_clicked(self, row: int, column: int) -> None:
        g = self.overview.shown[row]
        kind = "near_due" if column == 2 else "overdue"
        self.cases.tabs.blockSignals(True)
        self.cases.tabs.setCurrentIndex(3 if kind == "near_due" else 4)
        self.cases.tabs.blockSignals(False)
        self.cases.set_filter(kind=kind, department=g.department, step=g.step)
