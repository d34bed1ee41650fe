"""差评整改: the 差评 of the user's department (a supervisor: the hall's, appeals awaiting review first) with
their deadlines in yellow and red, the selected record's history, and the form of its next step. Reads run
off the GUI thread; an action is decided locally and queued (offline too) on the single writer."""

from __future__ import annotations

import datetime as dt

from client.i18n.labels import CARDS, tr
from client.i18n.rating_labels import LEVELS, SOURCES, STAGES, STATUS, label, refusal
from client.services.reference import Reference
from client.services.rectification import RecordView, RectificationDesk
from client.widgets.style import RED, YELLOW
from client.workspaces.rectification.action_form import ActionForm
from gui.ops import Ops, on_gui_thread
from gui.qt import (QAbstractItemView, QBrush, QColor, QDateEdit, QHBoxLayout, QHeaderView, QLabel, QPushButton,
                    QSplitter, QStackedWidget, QTableWidget, QTableWidgetItem, Qt, QVBoxLayout, QWidget, Signal)
from shared.china_time import CHINA_TZ
from shared.rating.errors import RectificationRefused

BACKGROUND = {"red_card": QColor("#fde4e4"), "yellow_card": QColor("#fff3d6")}
FOREGROUND = {"red_card": QColor(RED), "yellow_card": QColor(YELLOW)}
REASON = 7


class RectificationPanel(QWidget):
    sig_loaded = Signal(object)   # list[RecordView]
    sig_acted = Signal(object)    # the new record
    sig_refused = Signal(str)     # refusal code

    def __init__(self, desk: RectificationDesk, reference: Reference, ops: Ops, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.desk, self.reference, self.ops = desk, reference, ops
        self._loading = ops.latest()  # the period can change again before the last figures arrive
        self.views: list[RecordView] = []
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        refresh = QPushButton(self.tr("刷新"))
        refresh.clicked.connect(self.refresh)
        today = desk.today()  # the statistics' period: this month unless the user picks another
        self.first, self.last = QDateEdit(today.replace(day=1)), QDateEdit(today)
        for edit in (self.first, self.last):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.dateChanged.connect(lambda _: self.refresh())
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(QLabel(self.tr("统计期间")))
        top.addWidget(self.first)
        top.addWidget(QLabel(self.tr("至")))
        top.addWidget(self.last)
        top.addWidget(refresh)
        self.table = QTableWidget(0, 8)
        self.table.setHorizontalHeaderLabels([
            self.tr("预警"), self.tr("评价对象"), self.tr("评价"), self.tr("责任部门"), self.tr("状态"),
            self.tr("期限"), self.tr("剩余工作日"), self.tr("差评原因")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(REASON, QHeaderView.ResizeMode.Stretch)  # the reason is elided; the detail has it
        self.table.itemSelectionChanged.connect(self._selected)
        self.detail = QLabel("")
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.error = QLabel("")
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.form = ActionForm()
        self.form.sig_submit.connect(self.submit)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.detail, 1)
        side_layout.addWidget(self.error)
        side_layout.addWidget(self.form)
        side.setMinimumWidth(340)
        side.setMaximumWidth(560)
        split = QSplitter()
        split.addWidget(self.table)
        split.addWidget(side)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        refresh = on_gui_thread(self.refresh)
        desk.sync.on_pulled(lambda changed: refresh() if changed else None)
        self.refresh()

    # -- reading -----------------------------------------------------------------------------------------
    def refresh(self) -> None:
        first, last = self.period()

        def load() -> tuple[list[RecordView], dict]:
            stats = self.desk.statistics(first, last, "department")
            sources = self.desk.statistics(first, last, "source")["groups"]
            return self.desk.records(), {**stats, "period": (first, last), "sources": sources,
                                         "departments": self.desk.department_names()}
        self._loading.run(load, on_done=self._show)

    def period(self) -> tuple[dt.date, dt.date]:
        first, last = self.first.date().toPython(), self.last.date().toPython()
        return (first, last) if first <= last else (last, first)  # picked the wrong way round: still a period

    def _show(self, loaded: tuple[list[RecordView], dict]) -> None:
        views, stats = loaded
        selected = self._current_id()
        self.views = views
        self.summary.setText(self._summary(stats))
        self.table.setRowCount(len(views))
        for i, v in enumerate(views):
            self._fill_row(i, v)
        keep = next((i for i, v in enumerate(views) if v.id == selected), 0 if views else None)
        if keep is not None:
            self.table.selectRow(keep)
        self._selected()
        self.sig_loaded.emit(views)

    def _summary(self, s: dict) -> str:
        def pct(value: float | None) -> str:
            return "—" if value is None else f"{value * 100:.0f}%"
        return self.tr("本大厅 {7} 至 {8}：评价 {0} 次，差评 {1} 条（申诉撤销 {2} 条）· 回访率 {3} · 整改率 {4} · 黄牌 {5} · 红牌 {6}").format(
            s["rated"], s["bad"], s["voided"], pct(s["verification_rate"]), pct(s["rectification_rate"]),
            s["yellow"], s["red"], *(d.isoformat() for d in s["period"])) + self._breakdown(s)

    def _breakdown(self, s: dict) -> str:
        """一事一评 counted with the visits: how many of the period's ratings were of cases, and the 差评 by
        department (ticket and case ratings alike)."""
        cases = s["sources"].get("case", {"rated": 0, "bad": 0})
        text = "\n" + self.tr("其中办件评价（一事一评）{0} 次，差评 {1} 条").format(cases["rated"], cases["bad"])
        bad = [(s["departments"].get(int(k), self.tr("未归属部门")) if k != "none" else self.tr("未归属部门"),
                g["bad"]) for k, g in s["groups"].items() if g["bad"]]
        if bad:
            text += self.tr("；差评按部门：") + "，".join(f"{name} {n}" for name, n in sorted(bad))
        return text

    def _fill_row(self, i: int, v: RecordView) -> None:
        r, card = v.record, v.card
        due = card.due.isoformat() if card.due else ""
        if card.due and card.provisional:
            due += self.tr("（暂定）")
        left = "" if card.remaining is None else (str(card.remaining) if card.remaining >= 0
                                                  else self.tr("超期 {0}").format(-card.remaining))
        warning = tr(CARDS[card.card.value]) if card.card.value in BACKGROUND else ""
        values = (warning, f"{label(SOURCES, r['source'])} {r['subject']}", label(LEVELS, r["level"]),
                  self.reference.departments.get(r["department_id"], ""), label(STATUS, r["status"]), due, left,
                  r["reason"])
        for col, value in enumerate(values):
            item = QTableWidgetItem(value)
            if card.card.value in BACKGROUND:
                item.setBackground(QBrush(BACKGROUND[card.card.value]))
                if col in (0, 5, 6):
                    item.setForeground(QBrush(FOREGROUND[card.card.value]))
            if col == REASON:
                item.setToolTip(value)
            self.table.setItem(i, col, item)

    def _current_id(self) -> str | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.views[rows[0].row()].id if rows and rows[0].row() < len(self.views) else None

    def current(self) -> RecordView | None:
        record_id = self._current_id()
        return next((v for v in self.views if v.id == record_id), None)

    def _selected(self) -> None:
        v = self.current()
        self.error.setText("")
        if v is None:
            self.detail.setText(self.tr("没有需要处理的差评。") if not self.views else "")
            self.form.show_actions(None, ())
            return
        self.detail.setText(self._due_line(v) + self._history(v.record))
        self.form.show_actions(v.id, v.actions)

    def _due_line(self, v: RecordView) -> str:
        """What is awaited and by when, in the card's colour (the selected row's colours are hidden)."""
        card = v.card
        if card.stage is None or card.due is None:
            return ""
        when = (self.tr("剩余 {0} 个工作日").format(card.remaining) if card.remaining >= 0
                else self.tr("已超期 {0} 个工作日").format(-card.remaining))
        text = self.tr("待{0}，期限 {1}，{2}").format(label(STAGES, card.stage), card.due.isoformat(), when)
        if card.card.value in BACKGROUND:
            text = f'<span style="color:{FOREGROUND[card.card.value].name()}">{text}（{tr(CARDS[card.card.value])}）</span>'
        return f"<p>{text}</p>"

    def _history(self, r: dict) -> str:
        name = self.reference.staff_name
        rated = dt.datetime.fromisoformat(r["rated_at"]).astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M")
        lines = [self.tr("<b>{0} {1}</b> · {2} · 服务人员 {3} · 评价于 {4}").format(
                     label(SOURCES, r["source"]), r["subject"], label(LEVELS, r["level"]), name(r["clerk"]) or r["clerk"],
                     rated),
                 self.tr("差评原因：{0}").format(_esc(r["reason"])),
                 self.tr("回访核实期限 {0}；整改期限 {1}").format(r["verify_due"], r["rectify_due"])]
        stages = (("verification", self.tr("回访核实"), ("contact", "findings")),
                  ("rectification", self.tr("整改 / 说明"), ("text",)), ("feedback", self.tr("反馈群众"), ("text",)),
                  ("appeal", self.tr("申诉"), ("reason",)), ("review", self.tr("复核"), ("reason",)))
        for key, title, fields in stages:
            done = r.get(key)
            if done:
                text = "；".join(_esc(done[f]) for f in fields)
                lines.append(self.tr("<b>{0}</b>（{1}，{2}）：{3}").format(title, name(done["by"]) or done["by"],
                                                                        done["on"], text))
        return "<br/>".join(lines)

    # -- acting ------------------------------------------------------------------------------------------
    def submit(self, record_id: str, action: str, fields: dict) -> None:
        self.error.setText("")
        self.ops.write(lambda: self.desk.act(record_id, action, fields), on_done=self._acted,
                       on_error=self._failed)

    def _acted(self, record: dict) -> None:
        self.sig_acted.emit(record)
        self.refresh()

    def _failed(self, error: Exception) -> None:
        code = error.code if isinstance(error, RectificationRefused) else "action_failed"
        self.error.setText(refusal(code))
        self.sig_refused.emit(code)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def panel_for(services, ops: Ops) -> RectificationPanel:  # noqa: ANN001  (client.services.context.Services)
    from client.services.rectification import desk_for
    return RectificationPanel(desk_for(services), services.reference, ops)


class WithRectification(QStackedWidget):
    """The approver's cases, or the department's 差评整改 (switched from the header, so the cases keep their
    full height on a 1366×768 screen)."""

    def __init__(self, workspace: QWidget, services, ops: Ops) -> None:  # noqa: ANN001
        super().__init__()
        self.workspace, self.rectification = workspace, panel_for(services, ops)
        self.addWidget(workspace)
        self.addWidget(self.rectification)

    def show_rectification(self, shown: bool) -> None:
        self.setCurrentWidget(self.rectification if shown else self.workspace)
        if shown:
            self.rectification.refresh()
