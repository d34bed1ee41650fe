"""督查督办: near-due and overdue cases by department and step (click a line to list its cases), the case list
and detail where urging and supervising are done, the handlers' written replies, and the hall's devices with
their open faults; beside it the hall's live dashboard (大厅看板) and 统计分析."""

from __future__ import annotations

from gui.ops import Ops
from gui.qt import (QAbstractItemView, QGroupBox, QHeaderView, QPushButton, QSplitter, QTableWidget,
                       QTableWidgetItem, QTabWidget, Qt, QVBoxLayout, QWidget, Signal)
from client.services.context import Services
from client.services.hall_figures import HallFigures
from client.services.rowsql import RowSql
from client.services.supervision import DueGroup, Reply, SupervisionBoard, step_names
from client.widgets.device_alerts import DeviceTable, FaultWatch
from client.workspaces.approver.workspace import ApproverWorkspace
from client.workspaces.archive.page import archive_page
from client.workspaces.licences.register import register_page
from client.workspaces.rectification.panel import panel_for
from client.workspaces.statistics.workspace import StatisticsWorkspace
from client.workspaces.supervisor.dashboard import HallDashboard


class SupervisorWorkspace(QWidget):
    sig_groups = Signal(object)   # list[DueGroup]
    sig_replies = Signal(object)  # list[Reply]

    def __init__(self, services: Services, ops: Ops, parent=None, faults: FaultWatch | None = None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.services, self.ops = services, ops
        self._grouping, self._replying = ops.latest(), ops.latest()
        self.cases = ApproverWorkspace(services, ops, everyone=True, materials=services.attachments)
        self.cases.tabs.setCurrentIndex(4)  # 超期 first: what a supervisor looks at
        self.cases.sig_acted.connect(lambda _: self.refresh())
        self.board = SupervisionBoard(RowSql(services.engine), self.cases.worklist)
        self.steps = step_names(services.cases.definitions, services.catalogue)
        self.groups = self._table([self.tr("部门"), self.tr("环节"), self.tr("即将超期（黄牌）"), self.tr("超期（红牌）")])
        self.groups.cellClicked.connect(self._group_clicked)
        self.replies = self._table([self.tr("办件"), self.tr("回复人"), self.tr("时间"), self.tr("回复内容")])
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
                                   self.board.departments)
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
        self._groups: list[DueGroup] = []
        self.refresh()
        self.dashboard.refresh()

    def _first_archive_look(self, index: int) -> None:
        # the archive is the server's: ask it when the tab is first opened, not at every sign-in
        if self.pages.widget(index) is self.archive and self.archive.period is None:
            self.archive.search()

    def _table(self, headers: list[str]) -> QTableWidget:
        table = QTableWidget(0, len(headers))
        table.setHorizontalHeaderLabels(headers)
        table.verticalHeader().hide()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        return table

    def show_licence(self, number: str) -> None:
        self.pages.setCurrentWidget(self.licences)
        self.licences.show_number(number)

    def refresh(self) -> None:
        self._grouping.run(self.board.groups, on_done=self._show_groups)
        self._replying.run(self.board.replies, on_done=self._show_replies)

    def _show_groups(self, groups: list[DueGroup]) -> None:
        self._groups = groups
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

    def _group_clicked(self, row: int, column: int) -> None:
        g = self._groups[row]
        kind = "near_due" if column == 2 else "overdue"
        self.cases.tabs.blockSignals(True)
        self.cases.tabs.setCurrentIndex(3 if kind == "near_due" else 4)
        self.cases.tabs.blockSignals(False)
        self.cases.set_filter(kind=kind, department=g.department, step=g.step)
