"""Pieces every admin page uses: a read-only table, a hall picker that loads the halls from the server, a
status line that shows what was done or, in Chinese, why it was refused, a picker filled from the server's
rows, the page frame with the hall picker on top, and the searchable list beside an editor."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from client.services.admin_api import AdminError
from client.workspaces.admin.context import AdminContext, describe
from typing import Any

from gui.qt import (QAbstractItemView, QBoxLayout, QComboBox, QHBoxLayout, QHeaderView, QLabel, QLayout, QLineEdit,
                    QListWidget, QSplitter, Qt, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget, Signal)


def table(headers: Sequence[str]) -> QTableWidget:
    view = QTableWidget(0, len(headers))
    view.setHorizontalHeaderLabels(list(headers))
    view.verticalHeader().hide()
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    return view


def fill(view: QTableWidget, rows: Sequence[Sequence[str]]) -> None:
    view.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem(value)
            item.setToolTip(value)  # a narrow column still tells the whole text
            view.setItem(r, c, item)


def selected_row(view: QTableWidget) -> int:
    rows = view.selectionModel().selectedRows()
    return rows[0].row() if rows else -1


def set_choices(combo: QComboBox, choices: Sequence[tuple[str, Any]], none: str | None = None,
                keep: Any = None) -> None:
    """Refill a picker with (text, data) choices, after `none` (data None) when given; `keep` stays selected
    while it is still offered, else the first entry is."""
    combo.clear()
    if none is not None:
        combo.addItem(none, None)
    for text, data in choices:
        combo.addItem(text, data)
    combo.setCurrentIndex(max(combo.findData(keep), 0) if keep is not None else 0)


def hall_page(page: QWidget, hall_label: str, hall: QComboBox, body: QLayout, status: QWidget,
              *beside_hall: QWidget) -> QVBoxLayout:
    """The frame of a page about one hall: 大厅 [picker] [extra buttons] above the body, the status below."""
    top = QHBoxLayout()
    top.addWidget(QLabel(hall_label))
    top.addWidget(hall, 1)
    for widget in beside_hall:
        top.addWidget(widget)
    layout = QVBoxLayout(page)
    layout.addLayout(top)
    layout.addLayout(body, 1)
    layout.addWidget(status)
    return layout


def list_beside_editor(search: QLineEdit, entries: QListWidget, editor: QWidget, *, min_width: int,
                       width: int, under_list: QBoxLayout | None = None) -> QSplitter:
    """A searchable list on the left, the editor of the chosen entry on the right (taking the spare width)."""
    left = QWidget()
    column = QVBoxLayout(left)
    column.setContentsMargins(0, 0, 0, 0)
    column.addWidget(search)
    column.addWidget(entries, 1)
    if under_list is not None:
        column.addLayout(under_list)
    left.setMinimumWidth(min_width)
    split = QSplitter()
    split.addWidget(left)
    split.addWidget(editor)
    split.setStretchFactor(0, 1)
    split.setStretchFactor(1, 3)
    split.setSizes([width, 1000])
    return split


@dataclass(frozen=True)
class ListFormParts:
    search: QLineEdit
    entries: QListWidget
    message: StatusLine


def list_form_page(page: QWidget, placeholder: str, editor: QWidget, on_open: Callable[[Any], None], *,
                   min_width: int, width: int, under_list: QBoxLayout | None = None,
                   search_tooltips: bool = False) -> ListFormParts:
    """The admin pages' list + form shape (事项目录, 证照规则, 审批流程): a searchable list of entries beside the
    chosen entry's form, a status line under both, laid out on `page`. Choosing an entry calls `on_open` with
    its UserRole data; the search hides the entries whose text (and, with `search_tooltips`, tooltip) lacks it."""
    search = QLineEdit()
    search.setPlaceholderText(placeholder)
    entries = QListWidget()
    entries.currentItemChanged.connect(
        lambda entry, _: entry is not None and on_open(entry.data(Qt.ItemDataRole.UserRole)))
    search.textChanged.connect(lambda text: filter_entries(entries, text, search_tooltips))
    split = list_beside_editor(search, entries, editor, min_width=min_width, width=width, under_list=under_list)
    message = StatusLine()
    layout = QVBoxLayout(page)
    layout.addWidget(split, 1)
    layout.addWidget(message)
    return ListFormParts(search, entries, message)


def filter_entries(entries: QListWidget, text: str, tooltips: bool = False) -> None:
    for i in range(entries.count()):
        entry = entries.item(i)
        entry.setHidden(bool(text) and text not in entry.text() and not (tooltips and text in entry.toolTip()))


class StatusLine(QLabel):
    """The outcome of the last action: green when done, red with the refusal's Chinese text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.refused_code = ""

    def done(self, text: str) -> None:
        self.refused_code = ""
        self.setStyleSheet("color: #1b6e2d;")
        self.setText(text)

    def failed(self, text: str) -> None:
        """A refusal the page words itself (a form check, a server refusal with its details)."""
        self.setStyleSheet("color: #b3261e; font-weight: bold;")
        self.setText(text)

    def refused(self, error: AdminError) -> None:
        self.refused_code = error.code
        self.failed(describe(error))


class HallPicker(QComboBox):
    """The halls this admin manages (code — name): every hall for an admin of no hall, else their own; item
    data is the hall's id."""
    sig_loaded = Signal()

    def __init__(self, context: AdminContext, on_error: Callable[[AdminError], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context, self.on_error = context, on_error
        self.halls: list[dict] = []
        self.prefer_id: int | None = None  # chosen at the first load when no other wish: the workstation's hall
        self.setMinimumContentsLength(24)

    def load(self, select_code: str | None = None) -> None:
        # read when the answer comes: of two overlapping loads, the later wish wins whichever answers last
        self._wanted = select_code or (self.current()["code"] if self.current() else getattr(self, "_wanted", None))

        def shown(halls: list[dict]) -> None:
            keep = self._wanted
            self.blockSignals(True)
            self.clear()
            self.halls = halls
            for hall in halls:
                self.addItem(f"{hall['code']} — {hall['name']}", hall["id"])
            codes, ids = [h["code"] for h in halls], [h["id"] for h in halls]
            self.setCurrentIndex(codes.index(keep) if keep in codes else ids.index(self.prefer_id)
                                 if self.prefer_id in ids else (0 if halls else -1))
            self.blockSignals(False)
            self.currentIndexChanged.emit(self.currentIndex())
            self.sig_loaded.emit()
        api = self.context.api

        def load() -> list[dict]:
            own = api.get("/auth/me").get("hall_id")
            return [h for h in api.get("/halls") if own is None or h["id"] == own]
        self.context.call(load, on_done=shown, on_error=self.on_error)

    def fetch(self, paths: Callable[[dict], Sequence[str]], on_done: Callable[[tuple], None]) -> None:
        """GET the paths made from the chosen hall, off the GUI thread; on_done gets their answers in order,
        a refusal goes to the picker's on_error. Nothing is asked while no hall is chosen."""
        hall = self.current()
        if hall is None:
            return
        api, wanted = self.context.api, list(paths(hall))
        self.context.call(lambda: tuple(api.get(path) for path in wanted), on_done=on_done, on_error=self.on_error)

    def current(self) -> dict | None:
        index = self.currentIndex()
        return self.halls[index] if 0 <= index < len(self.halls) else None

    def hall_id(self) -> int | None:
        hall = self.current()
        return hall["id"] if hall else None
