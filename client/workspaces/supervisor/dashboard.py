"""大厅实时看板: the hall at a glance for the supervisor and the leader — waiting now per business and the
longest wait, windows open / paused / serving, tickets issued and served today against yesterday and last
week, 差评 today, cases near due and overdue by department. Re-read after every pull from the server and every
15 s (waits grow while nothing syncs). `wall=True` is the wall-screen variant: dark, very large type, full
screen; Esc closes it."""

from __future__ import annotations

import datetime as dt

from client.services.hall_figures import Compare, Dashboard, HallFigures
from gui.ops import Ops, on_gui_thread
from gui.qt import (QAbstractItemView, QColor, QFrame, QGridLayout, QHBoxLayout, QHeaderView, QLabel,
                    QPushButton, QShortcut, QKeySequence, QTableWidget, QTableWidgetItem, QTimer, Qt, QVBoxLayout,
                    QWidget, Signal)

GREEN, YELLOW, RED, GREY = "#2f855a", "#b7791f", "#c53030", "#4a5568"
LONG_WAIT = dt.timedelta(minutes=30)    # red: longer than the hall's promise of a 30-minute wait
SOME_WAIT = dt.timedelta(minutes=15)    # yellow


def minutes(value: dt.timedelta | None) -> str:
    return "—" if value is None else f"{int(value.total_seconds() // 60)}"


def wait_colour(value: dt.timedelta | None) -> str:
    if value is None:
        return GREY
    return RED if value >= LONG_WAIT else YELLOW if value >= SOME_WAIT else GREEN


class Tile(QFrame):
    """One large figure with its label and a small line under it."""

    def __init__(self, label: str, wall: bool) -> None:
        super().__init__()
        self.setObjectName("tile")
        self.value, self.label, self.note = QLabel("—"), QLabel(label), QLabel("")
        big, small = (80, 24) if wall else (40, 13)
        self.value.setStyleSheet(f"font-size: {big}px; font-weight: bold;")
        self.label.setStyleSheet(f"font-size: {small + 4}px;")
        self.note.setStyleSheet(f"font-size: {small}px;")
        for w in (self.label, self.value, self.note):
            w.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.value, 1)
        layout.addWidget(self.note)

    def show_value(self, value: str, colour: str, note: str = "") -> None:
        self.value.setText(value)
        self.value.setStyleSheet(self.value.styleSheet().split(" color:")[0] + f" color: {colour};")
        self.note.setText(note)


class HallDashboard(QWidget):
    sig_shown = Signal(object)  # Dashboard

    def __init__(self, figures: HallFigures, ops: Ops, sync=None, *, wall: bool = False,  # noqa: ANN001
                 parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.figures, self.ops, self.sync, self.wall = figures, ops, sync, wall
        self._loading = ops.latest()  # every pull asks again: older figures never overwrite newer ones
        self.current: Dashboard | None = None
        self.wall_view: HallDashboard | None = None
        self.setObjectName("wall" if wall else "dashboard")
        if wall:
            self.setStyleSheet("#wall, #wall QLabel { background: #10161f; color: #e2e8f0; }"
                               "#tile { background: #1a2433; border-radius: 8px; }"
                               "#tile QLabel { background: transparent; }"
                               "QTableWidget { background: #1a2433; color: #e2e8f0; font-size: 30px;"
                               " gridline-color: #2d3748; }"
                               "QHeaderView::section { background: #2d3748; color: #e2e8f0; font-size: 26px; }")
        else:
            self.setStyleSheet("#tile { background: #f7fafc; border: 1px solid #e2e8f0; border-radius: 6px; }")
        self.title = QLabel(self.tr("大厅实时看板"))
        self.title.setStyleSheet(f"font-size: {44 if wall else 20}px; font-weight: bold;")
        self.stamp = QLabel("")
        self.stamp.setStyleSheet(f"font-size: {26 if wall else 13}px;")
        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addStretch(1)
        head.addWidget(self.stamp)
        if not wall:
            self.wall_button = QPushButton(self.tr("大屏模式"))
            self.wall_button.setToolTip(self.tr("全屏显示在大厅的大屏上（按 Esc 退出）"))
            self.wall_button.clicked.connect(self.open_wall)
            head.addWidget(self.wall_button)
        self.tiles = {key: Tile(label, wall) for key, label in (
            ("waiting", self.tr("当前等候（人）")), ("longest", self.tr("最长等候（分钟）")),
            ("windows", self.tr("窗口 开放/暂停/服务中")), ("issued", self.tr("今日取号")),
            ("served", self.tr("今日办结")), ("bad", self.tr("今日差评")), ("overdue", self.tr("超期办件")))}
        grid = QGridLayout()
        per_row = 4 if wall else 7  # the wall's big figures need two rows of tiles
        for i, tile in enumerate(self.tiles.values()):
            grid.addWidget(tile, i // per_row, i % per_row)
        self.queues = self._table([self.tr("业务"), self.tr("等候人数"), self.tr("最长等候（分钟）")])
        self.cases = self._table([self.tr("部门"), self.tr("即将超期"), self.tr("已超期")])
        tables = QHBoxLayout()
        tables.addWidget(self.queues, 3)
        tables.addWidget(self.cases, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addLayout(grid, 1)
        layout.addLayout(tables, 1 if wall else 3)
        if sync is not None and not wall:  # the wall view is refreshed by the desk view it belongs to
            sync.on_pulled(on_gui_thread(self.refresh))
        self.timer = QTimer(self, interval=15000, timeout=self.refresh)
        if not wall:
            self.timer.start()
        if wall:
            QShortcut(QKeySequence(Qt.Key.Key_Escape), self, activated=self.close)

    def _table(self, headers: list[str]) -> QTableWidget:
        table = QTableWidget(0, len(headers))
        table.setHorizontalHeaderLabels(headers)
        table.verticalHeader().hide()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        if self.wall:
            table.verticalHeader().setDefaultSectionSize(48)
        return table

    def refresh(self) -> None:
        self._loading.run(self.figures.dashboard, on_done=self.show_dashboard, on_error=lambda exc: None)

    def open_wall(self) -> HallDashboard:
        if self.wall_view is None:
            self.wall_view = HallDashboard(self.figures, self.ops, wall=True)
            self.wall_view.setWindowTitle(self.tr("大厅实时看板"))
            self.wall_view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.wall_view.destroyed.connect(lambda: setattr(self, "wall_view", None))
        self.wall_view.showFullScreen()
        if self.current is not None:
            self.wall_view.show_dashboard(self.current)
        self.refresh()
        return self.wall_view

    def _compare(self, c: Compare) -> str:
        return self.tr("昨日同时 {0} · 上周同日 {1}").format(c.yesterday, c.last_week)

    def show_dashboard(self, d: Dashboard) -> None:
        self.current = d
        self.stamp.setText(self.tr("更新于 {0}").format(f"{d.at:%H:%M:%S}"))
        overdue = sum(c[2] for c in d.cases)
        near = sum(c[1] for c in d.cases)
        t = self.tiles
        t["waiting"].show_value(str(d.waiting_total), YELLOW if d.waiting_total else GREEN)
        t["longest"].show_value(minutes(d.longest), wait_colour(d.longest))
        t["windows"].show_value(f"{d.windows_open}/{d.windows_paused}/{d.windows_serving}",
                                GREEN if d.windows_open else GREY,
                                self.tr("未开 {0}").format(d.windows_closed))
        t["issued"].show_value(str(d.issued.today), "#e2e8f0" if self.wall else "#2d3748", self._compare(d.issued))
        t["served"].show_value(str(d.served.today), GREEN, self._compare(d.served))
        t["bad"].show_value(str(d.bad_today), RED if d.bad_today else GREEN)
        t["overdue"].show_value(str(overdue), RED if overdue else GREEN, self.tr("即将超期 {0}").format(near))
        self.queues.setRowCount(len(d.waiting))
        # the longest queues first: what the hall has to act on is at the top
        for i, w in enumerate(sorted(d.waiting, key=lambda w: (-w.count, w.business_id))):
            for col, (text, colour) in enumerate(((w.name, None), (str(w.count), None),
                                                  (minutes(w.longest), wait_colour(w.longest)))):
                item = QTableWidgetItem(text)
                if colour:
                    item.setForeground(QColor(colour))
                if col:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.queues.setItem(i, col, item)
        self.cases.setRowCount(len(d.cases) or 1)
        if not d.cases:
            self.cases.setSpan(0, 0, 1, 3)
            self.cases.setItem(0, 0, QTableWidgetItem(self.tr("暂无即将超期或超期的办件")))
        else:
            self.cases.clearSpans()
        for i, (department, yellow, red) in enumerate(d.cases):
            for col, (text, colour) in enumerate(((department or self.tr("（未指定）"), None),
                                                  (str(yellow), YELLOW if yellow else None),
                                                  (str(red), RED if red else None))):
                item = QTableWidgetItem(text)
                if colour:
                    item.setForeground(QColor(colour))
                if col:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.cases.setItem(i, col, item)
        if self.wall_view is not None:
            self.wall_view.show_dashboard(d)
        self.sig_shown.emit(d)
