"""Pieces every admin page uses: a read-only table, a hall picker that loads the halls from the server, and a
status line that shows what was done or, in Chinese, why it was refused."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from client.services.admin_api import AdminError
from client.workspaces.admin.context import AdminContext, describe
from gui.qt import (QAbstractItemView, QComboBox, QHeaderView, QLabel, QTableWidget, QTableWidgetItem, QWidget,
                    Signal)


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

    def refused(self, error: AdminError) -> None:
        self.refused_code = error.code
        self.setStyleSheet("color: #b3261e; font-weight: bold;")
        self.setText(describe(error))


class HallPicker(QComboBox):
    """The halls this admin manages (code — name): every hall for an admin of no hall, else their own; item
    data is the hall's id."""
    sig_loaded = Signal()

    def __init__(self, context: AdminContext, on_error: Callable[[AdminError], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context, self.on_error = context, on_error
        self.halls: list[dict] = []
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
            codes = [h["code"] for h in halls]
            self.setCurrentIndex(codes.index(keep) if keep in codes else (0 if halls else -1))
            self.blockSignals(False)
            self.currentIndexChanged.emit(self.currentIndex())
            self.sig_loaded.emit()
        api = self.context.api

        def load() -> list[dict]:
            own = api.get("/auth/me").get("hall_id")
            return [h for h in api.get("/halls") if own is None or h["id"] == own]
        self.context.call(load, on_done=shown, on_error=self.on_error)

    def current(self) -> dict | None:
        index = self.currentIndex()
        return self.halls[index] if 0 <= index < len(self.halls) else None

    def hall_id(self) -> int | None:
        hall = self.current()
        return hall["id"] if hall else None
