"""The case list model: holds case ids only; rows are fetched a page at a time off the GUI thread when the
view first asks for them (Anki's browser table pattern), so a list of 100,000 cases opens at once."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from client.i18n.labels import CARDS, status_text
from gui.ops import Ops
from gui.qt import QAbstractTableModel, QBrush, QColor, QModelIndex, Qt, Signal

PAGE = 100
COLUMNS = (("case_number", "办件编号"), ("_item", "事项"), ("applicant_name", "申请人"), ("_steps", "当前环节"),
           ("status", "状态"), ("received_on", "收件日期"), ("_due", "到期日"), ("_remaining", "剩余工作日"),
           ("_card", "预警"))
CARD_COLOURS = {"red_card": "#fde2e1", "yellow_card": "#fff3cd"}
CARD_TEXT = {"red_card": "#c62828", "yellow_card": "#8a5a00"}


class CaseTableModel(QAbstractTableModel):
    sig_page_loaded = Signal(int)  # page number

    def __init__(self, fetch: Callable[[Sequence[str]], dict[str, dict]], ops: Ops,
                 parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.fetch, self.ops = fetch, ops
        self.ids: list[str] = []
        self.rows: dict[str, dict] = {}
        self._asked: set[int] = set()
        self._generation = 0  # a reset makes late pages of the previous list harmless

    def set_ids(self, ids: list[str]) -> None:
        self.beginResetModel()
        self.ids, self.rows, self._asked = list(ids), {}, set()
        self._generation += 1
        self.endResetModel()

    def refresh_all(self) -> None:
        """The same list again (a pull changed some cases, not which are listed): fetch again the pages already
        asked for. Their rows stay on screen, and the selection with them, until the new values arrive."""
        pages, self._asked = self._asked, set()
        self._generation += 1  # a page still on its way from before carries the old values
        for page in sorted(pages):
            self._ask(page)

    def refresh_rows(self, ids: Sequence[str]) -> None:
        """Re-fetch rows that changed (a case was acted on) — only those rows repaint."""
        for pk in ids:
            self.rows.pop(pk, None)
        self._asked = {p for p in self._asked if not any(self._page_of(pk) == p for pk in ids if pk in self.ids)}
        for pk in ids:
            if pk in self.ids:
                row = self.ids.index(pk)
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def case_id(self, row: int) -> str | None:
        return self.ids[row] if 0 <= row < len(self.ids) else None

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation,  # noqa: ANN001, N802, ANN201
                   role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.tr(COLUMNS[section][1])
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201
        if not index.isValid():
            return None
        pk = self.ids[index.row()]
        row = self.rows.get(pk)
        if row is None:
            self._ask(self._page_of_row(index.row()))
            return "…" if role == Qt.ItemDataRole.DisplayRole and index.column() == 0 else None
        key = COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(key, row)
        if role == Qt.ItemDataRole.BackgroundRole and row.get("_card") in CARD_COLOURS:
            return QBrush(QColor(CARD_COLOURS[row["_card"]]))
        if role == Qt.ItemDataRole.ForegroundRole and key in ("_card", "_remaining") and row.get("_card") in CARD_TEXT:
            return QBrush(QColor(CARD_TEXT[row["_card"]]))
        return None

    def _text(self, key: str, row: dict) -> str:
        value = row.get(key)
        if key == "status":
            return status_text(value or "")
        if key == "_steps":
            return "、".join(value or []) or "—"
        if key == "_card":
            return self.tr(CARDS.get(value, "")) + (self.tr("·急") if row.get("urgent") else "")
        if key == "_remaining":
            return "—" if value is None else str(value)
        return "" if value is None else str(value)

    def _page_of_row(self, row: int) -> int:
        return row // PAGE

    def _page_of(self, pk: str) -> int:
        return self.ids.index(pk) // PAGE if pk in self.ids else -1

    def _ask(self, page: int) -> None:
        if page in self._asked:
            return
        self._asked.add(page)
        generation = self._generation
        ids = self.ids[page * PAGE:(page + 1) * PAGE]
        self.ops.run(lambda: self.fetch(ids), on_done=lambda rows: self._loaded(generation, page, rows))

    def _loaded(self, generation: int, page: int, rows: dict[str, dict]) -> None:
        if generation != self._generation:
            return
        self.rows.update(rows)
        first, last = page * PAGE, min(len(self.ids), (page + 1) * PAGE) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(COLUMNS) - 1))
        self.sig_page_loaded.emit(page)
