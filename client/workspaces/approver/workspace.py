"""The approver's workspace: worklists (待办 / 在办 / 已办 / 即将超期 / 超期) with counts, search, a lazy case
table, and the case detail with its actions. After an action only that case's row and the counts refresh."""

from __future__ import annotations

from client.dialogs.case_rating import CaseRatingDialog
from client.dialogs.notice_preview import NoticePreviewDialog
from client.dialogs.stale import StaleDialog
from client.services.decision_notices import TITLES, CaseNotice
from client.i18n.labels import approval_error
from client.i18n import rating_labels
from client.models.case_table import CaseTableModel
from gui.ops import Ops, on_gui_thread
from gui.qt import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton, QSplitter,
                    QTableView, QTabWidget, QTimer, QVBoxLayout, QWidget, Signal)
from client.services.case_actions import build
from client.services.case_rating import case_ratings_for
from client.services.cases import CaseDetail
from client.services.context import Services
from client.services.material_files import MaterialSource
from client.services.rowsql import RowSql
from client.services.supervision import step_names
from client.services.worklist import Filter, Worklist
from client.widgets.calendar_banner import CalendarBanner
from client.workspaces.approver.case_detail import CaseDetailPanel
from client.workspaces.licences.register import register_button, register_opener
from shared.approval.errors import StaleCommand
from shared.approval.lifecycle import Action
from shared.errors import DomainError
from shared.rating.case_rating import CaseRatingRefused
from shared.notices import NoticeKind

# A deciding step's notice, shown as soon as the step is recorded (the approver prints or serves it).
NOTICE_OF = {Action.GRANT: NoticeKind.GRANT, Action.REFUSE: NoticeKind.REFUSAL,
             Action.START_SPECIAL_PROCEDURE: NoticeKind.SPECIAL_PROCEDURE, Action.EXTEND: NoticeKind.EXTENSION}
TABS = (("todo", "待办"), ("doing", "在办"), ("done", "已办"), ("near_due", "即将超期"), ("overdue", "超期"))


class ApproverWorkspace(QWidget):
    sig_list_loaded = Signal(int)      # number of cases in the list
    sig_detail_shown = Signal(object)  # CaseDetail
    sig_stale = Signal(object)         # StaleDialog
    sig_acted = Signal(str)            # case id
    sig_notice = Signal(object)        # NoticePreviewDialog
    sig_rating = Signal(object)        # CaseRatingDialog

    def __init__(self, services: Services, ops: Ops, *, everyone: bool = False,  # noqa: ANN001
                 materials: MaterialSource | None = None, parent=None) -> None:
        super().__init__(parent)
        self.services, self.ops = services, ops
        # each of these is asked again on every filter change or pull: only the newest answer is shown
        self._listing, self._counting, self._opening = ops.latest(), ops.latest(), ops.latest()
        self._refreshing = ops.latest()  # the open case, read again after a pull
        self._seen = -1  # the case index generation the lists were last shown for
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
        # materials: where the case's received files are on this PC (None: the detail says none arrived)
        self.detail = CaseDetailPanel(services.reference.staff_name, services.catalogue, ops=ops,
                                      materials=materials)
        self.detail.actions.sig_act.connect(self.act)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.notice_bar = QHBoxLayout()  # one button per notice the case has (文书)
        self.notice_buttons: list[QPushButton] = []
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
        # 证照库 (the supervisor has it as a tab and links to it through sig_licence_link)
        self.open_register = None if everyone else register_opener(services, ops, self)
        if self.open_register is not None:
            bar.addWidget(register_button(services, ops, self, self.open_register))
            self.detail.links_licences = True
            self.detail.sig_licence_link.connect(self.open_register)
        left_layout.addLayout(bar)
        left_layout.addWidget(self.table, 1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.detail, 1)
        self.detail.title_row.addLayout(self.notice_bar)
        # 一事一评: counter staff offer the citizen the rating of a finished case (the phone page offers it too)
        self.ratings = case_ratings_for(services) if "clerk" in services.session.roles else None
        self.rating_button = QPushButton(self.tr("一事一评"))
        self.rating_button.clicked.connect(self.open_rating)
        self.rating_shown = QLabel("")
        self.rating_shown.setObjectName("muted")
        self.rating_button.setVisible(False)
        self.rating_shown.setVisible(False)
        # 一事一评 on the window's evaluator: the citizen at the counter rates the case there
        self.ask_button = QPushButton(self.tr("请评价器评价"))
        self.ask_button.setToolTip(self.tr("办结后请窗口评价器邀请办事群众对本件进行评价（一事一评）"))
        self.ask_button.clicked.connect(self.ask_evaluator)
        self.ask_button.setVisible(False)
        # the message line carries them (the title row is full of notice buttons at 1366×768)
        status_row = QHBoxLayout()
        status_row.addWidget(self.message, 1)
        status_row.addWidget(self.rating_shown)
        status_row.addWidget(self.rating_button)
        status_row.addWidget(self.ask_button)
        right_layout.addLayout(status_row)
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
        # Cases move on other workstations (the counter accepts, a colleague passes a step) and arrive by sync:
        # each pull that changed the cached cases refreshes the lists, the counts and the open case.
        services.sync.on_pulled(on_gui_thread(self._pulled))

    # -- lists -------------------------------------------------------------------------------------------
    def set_filter(self, **changes) -> None:  # noqa: ANN003
        self.filter = Filter(**{**self.filter.__dict__, **changes})
        self.reload(counts=False)  # the tab counts do not depend on the search or the group

    def reload(self, counts: bool = True) -> None:
        f = self.filter
        self.calendar_banner.refresh()  # a pull may have brought the year
        self._listing.run(lambda: self.worklist.ids(f), on_done=self._ids)
        if counts:
            self._counting.run(self.worklist.counts, on_done=self._counts)

    def _ids(self, ids: list[str]) -> None:
        if ids == self.model.ids:
            self.model.refresh_all()  # the same cases: their rows are read again, the selection stays
        else:
            self.model.set_ids(ids)
        self.count.setText(self.tr("共 {0} 件").format(len(ids)))
        self.sig_list_loaded.emit(len(ids))

    def _counts(self, counts: dict[str, int]) -> None:
        for i, (kind, label) in enumerate(TABS):
            self.tabs.setTabText(i, f"{self.tr(label)} ({counts[kind]})")

    def _pulled(self) -> None:
        """After a pull (on the GUI thread): when the cached cases changed, the lists and counts are shown again,
        and the open case too if it moved on (a newer version; an action being prepared on the old one would
        be refused as stale anyway)."""
        index = self.worklist.index

        def generation() -> int:
            index.ensure()
            return index.generation
        self.ops.run(generation, on_done=self._cases_changed, on_error=lambda _e: None)

    def _cases_changed(self, generation: int) -> None:
        if generation == self._seen:
            return  # the pull brought other rows (tickets, reference data), not cases
        self._seen = generation
        self.reload()
        current = self.current
        if current is None:
            return
        case_id, version = current.state.case_id, current.state.version

        def moved_on(found: tuple) -> None:
            shown = self.current
            if shown is not None and shown.state.case_id == case_id and found[0].state.version != version:
                self._show(*found)
        self._refreshing.run(self._loader(case_id), on_done=moved_on, on_error=lambda _e: None)

    # -- one case ----------------------------------------------------------------------------------------
    def _loader(self, case_id: str):  # noqa: ANN202
        notices, ratings, cases = self.services.notices, self.ratings, self.services.cases

        def load():  # noqa: ANN202
            rating = ((ratings.rating_of(case_id), ratings.may_rate(case_id), ratings.may_ask_evaluator(case_id))
                      if ratings else (None, False, False))
            return cases.detail(case_id), notices.available(case_id) if notices else (), rating
        return load

    def open_case(self, case_id: str | None) -> None:
        if case_id:
            self._opening.run(self._loader(case_id), on_done=lambda found: self._show(*found),
                              on_error=lambda e: self._error(e))

    def _show(self, detail: CaseDetail, kinds: tuple[NoticeKind, ...] = (),
              rating: tuple[dict | None, bool, bool] = (None, False, False)) -> None:
        self.current = detail
        self.detail.show_detail(detail)
        self._notice_buttons(kinds)
        self._rating_state(*rating)
        self.sig_detail_shown.emit(detail)

    # -- 一事一评 --------------------------------------------------------------------------------------------
    def _rating_state(self, rating: dict | None, may_rate: bool, may_ask: bool = False) -> None:
        self.rating_button.setVisible(may_rate)
        self.ask_button.setVisible(may_ask)
        self.rating_shown.setVisible(rating is not None)
        if rating is not None:
            level = rating_labels.label(rating_labels.LEVELS, rating["level"])
            self.rating_shown.setText(self.tr("已评价：{0}").format(level))

    def open_rating(self) -> CaseRatingDialog | None:
        detail, ratings = self.current, self.ratings
        if detail is None or ratings is None:
            return None
        case_id = detail.state.case_id
        dialog = CaseRatingDialog(str(detail.row.get("case_number", case_id[:8])),
                                  lambda level, reason: ratings.rate(case_id, level, reason), self.ops, self)
        dialog.sig_rated.connect(lambda _: self._rated(case_id))
        dialog.open()
        self.sig_rating.emit(dialog)
        return dialog

    def ask_evaluator(self) -> None:
        """Queue the ask on the single writer; the evaluator at this window then shows the case."""
        detail, ratings = self.current, self.ratings
        if detail is None or ratings is None:
            return
        case_id = detail.state.case_id

        def asked(_: str) -> None:
            self.message.setText(self.tr("已请窗口评价器邀请群众评价本件"))
            self.message.setStyleSheet("color: #2e7d32;")
            self.ask_button.setEnabled(True)

        def refused(exc: Exception) -> None:
            self.ask_button.setEnabled(True)
            self.message.setText(self.tr("不能请求评价：{0}").format(rating_labels.refusal(exc.code) if isinstance(
                exc, CaseRatingRefused) else str(exc)))
            self.message.setStyleSheet("color: #c62828;")
        self.ask_button.setEnabled(False)
        self.ops.write(lambda: ratings.ask_evaluator(case_id), on_done=asked, on_error=refused)

    def _rated(self, case_id: str) -> None:
        self.message.setText(self.tr("评价已记录，等待同步到服务器"))
        self.message.setStyleSheet("color: #2e7d32;")
        self.open_case(case_id)

    # -- notices (文书): preview, print, save, 送达 -------------------------------------------------------------
    def _notice_buttons(self, kinds: tuple[NoticeKind, ...]) -> None:
        for b in self.notice_buttons:
            self.notice_bar.removeWidget(b)
            b.deleteLater()
        self.notice_buttons = []
        for kind in kinds:
            button = QPushButton(self.tr(TITLES[kind]))
            button.clicked.connect(lambda _=False, k=kind: self.open_notice(k))
            self.notice_bar.addWidget(button)
            self.notice_buttons.append(button)

    def open_notice(self, kind: NoticeKind, case_id: str | None = None) -> None:
        notices = self.services.notices
        case_id = case_id or (self.current.state.case_id if self.current else None)
        if notices is None or case_id is None:
            return
        self.ops.run(lambda: notices.render(case_id, kind), on_done=self._preview, on_error=self._error)

    def _preview(self, notice: CaseNotice) -> NoticePreviewDialog:
        notices, cases = self.services.notices, self.services.cases
        role = notices.serving_role(notice.case_id) if notices else None
        recipient = self.current.row.get("applicant_name", "") if self.current else ""
        serve = (lambda v: notices.serve(notice, role, **v)) if role else None
        dialog = NoticePreviewDialog(notice, self.ops, save_to=self.services.workstation.data_dir / "notices",
                                     serve=serve, recipient=recipient, today=cases.today, parent=self)
        dialog.sig_served.connect(lambda _: self._acted(notice.case_id))
        dialog.open()
        self.sig_notice.emit(dialog)
        return dialog

    def act(self, available, role: str, opinion: str, fields: dict) -> None:  # noqa: ANN001
        detail = self.current
        if detail is None:
            return
        store, ratings = self.services.cases, self.ratings
        def run():  # noqa: ANN202
            state = store.act(build(store, detail, available, role, opinion, fields))
            self.worklist.index.update([detail.state.case_id])
            if available.action is Action.CLOSE and ratings is not None and ratings.window_id is not None:
                # 办结 at a window: the citizen is at the counter, so the window's evaluator asks them to rate
                # the case (一事一评); a case the rule does not let be rated is simply not asked about
                try:
                    ratings.ask_evaluator(detail.state.case_id)
                except CaseRatingRefused:
                    pass
            return state
        kind = NOTICE_OF.get(available.action)
        def done(_) -> None:  # noqa: ANN001
            self._acted(detail.state.case_id)
            if kind is not None:  # the step's notice, at once
                self.open_notice(kind, detail.state.case_id)
        self.ops.write(run, on_done=done, on_error=self._error)

    def _acted(self, case_id: str) -> None:
        self.message.setText(self.tr("已办理，等待同步到服务器"))
        self.message.setStyleSheet("color: #2e7d32;")
        self.detail.actions.done()
        self.model.refresh_rows([case_id])
        self.open_case(case_id)
        self._counting.run(self.worklist.counts, on_done=self._counts)
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
