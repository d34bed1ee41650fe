"""The approver's workspace: worklists (待办 / 在办 / 已办 / 即将超期 / 超期) with counts, search, a lazy case
table, and the case detail with its actions. After an action only that case's row and the counts refresh."""

from __future__ import annotations

from client.dialogs.stale import StaleDialog
from client.i18n.labels import approval_error
from client.models.case_table import CaseTableModel
from gui.ops import Ops
from gui.qt import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QSplitter, QTableView,
                       QTabWidget, QTimer, QVBoxLayout, QWidget, Signal)
from client.services.case_actions import build
from client.services.cases import CaseDetail
from client.services.context import Services
from client.services.rowsql import RowSql
from client.services.supervision import step_names
from client.services.worklist import Filter, Worklist
from client.widgets.calendar_banner import CalendarBanner
from client.workspaces.approver.case_detail import CaseDetailPanel
from client.workspaces.licences.register import register_button
from shared.approval.errors import StaleCommand
from shared.errors import DomainError

TABS = (("todo", "待办"), ("doing", "在办"), ("done", "已办"), ("near_due", "即将超期"), ("overdue", "超期"))


class ApproverWorkspace(QWidget):
    sig_list_loaded = Signal(int)      # number of cases in the list
    sig_detail_shown = Signal(object)  # CaseDetail
    sig_stale = Signal(object)         # StaleDialog
    sig_acted = Signal(str)            # case id

    def __init__(self, services: Services, ops: Ops, *, everyone: bool = False, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.services, self.ops = services, ops
        cases = services.cases
        self.worklist = Worklist(RowSql(services.engine), services.case_index, cases.user, cases.roles,
                                 cases.calendar, cases.clock, everyone=everyone,
                                 step_names=step_names(cases.definitions, services.catalogue))
        self.filter = Filter()
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        for kind, label in TABS:
            self.tabs.addTab(QWidget(), self.tr(label))
        self.tabs.currentChanged.connect(lambda i: self.set_filter(kind=TABS[i][0]))
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("搜索办件编号、申请人或事项"))
        self.search.setClearButtonEnabled(True)
        self._debounce = QTimer(self, singleShot=True, interval=150)
        self._debounce.timeout.connect(lambda: self.set_filter(search=self.search.text()))
        self.search.textChanged.connect(lambda _: self._debounce.start())
        self.count = QLabel("")
        self.count.setObjectName("muted")
        self.model = CaseTableModel(self.worklist.rows, ops, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(28)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        for col, width in enumerate((150, 210, 80, 90, 80, 95, 95, 80)):
            self.table.setColumnWidth(col, width)
        self.table.selectionModel().currentRowChanged.connect(
            lambda cur, _: self.open_case(self.model.case_id(cur.row())))
        self.detail = CaseDetailPanel(services.reference.staff_name, services.catalogue)
        self.detail.actions.sig_act.connect(self.act)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        # deadlines reaching into a year nobody has entered are provisional: say so above the lists (the
        # detail column keeps its full height for the actions)
        self.calendar_banner = CalendarBanner(cases.calendar, cases.today)
        left_layout.addWidget(self.calendar_banner)
        left_layout.addWidget(self.tabs)
        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        bar.addWidget(self.count)
        if not everyone and (register := register_button(services, ops, self)) is not None:
            bar.addWidget(register)  # 证照库 (the supervisor has it as a tab)
        left_layout.addLayout(bar)
        left_layout.addWidget(self.table, 1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.detail, 1)
        right_layout.addWidget(self.message)
        self.split = QSplitter()
        self.split.addWidget(left)
        self.split.addWidget(right)
        self.split.setStretchFactor(0, 1)
        self.split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.split)
        self.current: CaseDetail | None = None
        self.reload()

    # -- lists -------------------------------------------------------------------------------------------
    def set_filter(self, **changes) -> None:  # noqa: ANN003
        self.filter = Filter(**{**self.filter.__dict__, **changes})
        self.reload(counts=False)  # the tab counts do not depend on the search or the group

    def reload(self, counts: bool = True) -> None:
        f = self.filter
        self.calendar_banner.refresh()  # a pull may have brought the year
        self.ops.run(lambda: self.worklist.ids(f), on_done=self._ids)
        if counts:
            self.ops.run(self.worklist.counts, on_done=self._counts)

    def _ids(self, ids: list[str]) -> None:
        self.model.set_ids(ids)
        self.count.setText(self.tr("共 {0} 件").format(len(ids)))
        self.sig_list_loaded.emit(len(ids))

    def _counts(self, counts: dict[str, int]) -> None:
        for i, (kind, label) in enumerate(TABS):
            self.tabs.setTabText(i, f"{self.tr(label)} ({counts[kind]})")

    # -- one case ----------------------------------------------------------------------------------------
    def open_case(self, case_id: str | None) -> None:
        if case_id:
            self.ops.run(lambda: self.services.cases.detail(case_id), on_done=self._show,
                         on_error=lambda e: self._error(e))

    def _show(self, detail: CaseDetail) -> None:
        self.current = detail
        self.detail.show_detail(detail)
        self.sig_detail_shown.emit(detail)

    def act(self, available, role: str, opinion: str, fields: dict) -> None:  # noqa: ANN001
        detail = self.current
        if detail is None:
            return
        store = self.services.cases
        def run():  # noqa: ANN202
            state = store.act(build(store, detail, available, role, opinion, fields))
            self.worklist.index.update([detail.state.case_id])
            return state
        self.ops.write(run, on_done=lambda _: self._acted(detail.state.case_id), on_error=self._error)

    def _acted(self, case_id: str) -> None:
        self.message.setText(self.tr("已办理，等待同步到服务器"))
        self.message.setStyleSheet("color: #2e7d32;")
        self.detail.actions.done()
        self.model.refresh_rows([case_id])
        self.open_case(case_id)
        self.ops.run(self.worklist.counts, on_done=self._counts)
        self.sig_acted.emit(case_id)

    def _error(self, error: Exception) -> None:
        if isinstance(error, StaleCommand):
            dialog = StaleDialog(error.details, self.services.reference.staff_name, self)
            dialog.accepted.connect(lambda: self.open_case(error.details.get("case_id") or
                                                           (self.current and self.current.state.case_id)))
            dialog.open()
            self.sig_stale.emit(dialog)
            return
        code = error.code if isinstance(error, DomainError) else type(error).__name__
        self.message.setText(self.tr("未能办理：{0}").format(approval_error(code)))
        self.message.setStyleSheet("color: #c62828;")
