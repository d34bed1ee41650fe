"""审计日志: the audit trail filtered by who, action, target and period (China dates), each change with the
workstation it came from and its values before and after; the same filter exported as CSV."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from client.services.admin_api import OFFLINE, AdminError
from client.workspaces.admin.context import AdminContext, describe
from gui.qt import (QAbstractItemView, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton,
                    QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget, Signal)
from shared.queue.clock import CHINA_TZ

COLUMNS = ("时间", "操作人", "工作站", "操作", "对象", "修改前", "修改后", "结果")
LIMIT = 1000  # one page; narrow the filter for more
DEFAULT_DAYS = 7


def _value(value) -> str:  # noqa: ANN001
    if value is None:
        return "—"
    return json.dumps(value, ensure_ascii=False, sort_keys=True) if isinstance(value, (dict, list)) else str(value)


class AuditPage(QWidget):
    sig_loaded = Signal(object)    # the entries shown, or an AdminError
    sig_exported = Signal(object)  # the CSV path, or an AdminError

    def __init__(self, context: AdminContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.entries: list[dict] = []
        self.asked = 0  # the latest query: an answer to an earlier one (slower, superseded) is dropped
        today = context.services.clock().astimezone(CHINA_TZ).date()
        self.actor = QLineEdit()
        self.actor.setPlaceholderText(self.tr("用户名"))
        self.action = QLineEdit()
        self.action.setPlaceholderText(self.tr("如 staff.disable"))
        self.target = QLineEdit()
        self.target.setPlaceholderText(self.tr("对象"))
        self.since = QLineEdit((today - dt.timedelta(days=DEFAULT_DAYS - 1)).isoformat())
        self.until = QLineEdit(today.isoformat())
        for edit in (self.since, self.until):
            edit.setPlaceholderText("YYYY-MM-DD")
            edit.setMaximumWidth(130)
        search = QPushButton(self.tr("查询"))
        search.clicked.connect(self.refresh)
        export = QPushButton(self.tr("导出 CSV…"))
        export.clicked.connect(self._export_as)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for col in (5, 6):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)

        filters = QHBoxLayout()
        for label, edit in ((self.tr("操作人"), self.actor), (self.tr("操作"), self.action),
                            (self.tr("对象"), self.target), (self.tr("从"), self.since), (self.tr("至"), self.until)):
            filters.addWidget(QLabel(label))
            filters.addWidget(edit)
        filters.addWidget(search)
        filters.addWidget(export)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        self.refresh()

    def filters(self) -> dict | None:
        """The API's query parameters, or None (with the reason shown) for a date that does not read."""
        try:
            since = dt.date.fromisoformat(self.since.text().strip()) if self.since.text().strip() else None
            until = dt.date.fromisoformat(self.until.text().strip()) if self.until.text().strip() else None
        except ValueError:
            self.status.setText(self.tr("日期格式应为 YYYY-MM-DD，例如 2027-03-01"))
            return None
        if since and until and since > until:
            self.status.setText(self.tr("起始日期不能晚于结束日期"))
            return None
        midnight = lambda day: dt.datetime.combine(day, dt.time(), CHINA_TZ).isoformat()  # noqa: E731
        return {"actor": self.actor.text().strip() or None, "action": self.action.text().strip() or None,
                "target": self.target.text().strip() or None, "since": midnight(since) if since else None,
                "until": midnight(until + dt.timedelta(days=1)) if until else None}

    def refresh(self) -> None:
        where = self.filters()
        if where is None:
            return
        api, hall_id = self.context.api, self.context.services.reference.hall_id

        def load() -> tuple[list[dict], dict[str, str]]:
            entries = api.get("/admin/audit", limit=LIMIT, **where)
            names: dict[str, str] = {}
            if hall_id is not None:  # workstation names of the admin's hall; others show by id
                try:
                    names = {d["id"]: d["name"] for d in api.get("/devices", hall_id=hall_id)["devices"]}
                except AdminError as exc:
                    if exc.code == OFFLINE:
                        raise
            return entries, names
        self.asked += 1
        asked = self.asked
        self.status.setText(self.tr("正在查询……"))
        self.context.call(load, on_done=lambda loaded: self._show(loaded, asked),
                          on_error=lambda error: self._failed(error, asked))

    def _show(self, loaded: tuple[list[dict], dict[str, str]], asked: int | None = None) -> None:
        if asked is not None and asked != self.asked:
            return
        entries, names = loaded
        self.entries = entries
        more = self.tr("（仅显示前 {n} 条，请缩小条件）").format(n=LIMIT) if len(entries) >= LIMIT else ""
        self.status.setText(self.tr("共 {n} 条").format(n=len(entries)) + more)
        self.table.setRowCount(len(entries))
        for row, e in enumerate(entries):
            at = dt.datetime.fromisoformat(e["at"]).astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M:%S")
            device = e.get("device_id") or ""
            detail = e.get("detail") or {}
            values = (at, e["actor"], names.get(device, device[:8]) if device else "—", e["action"], e["target"],
                      _value(detail.get("before")), _value(detail.get("after")), e["outcome"])
            for col, value in enumerate(values):
                item = QTableWidgetItem(value)
                if col in (5, 6) or (col == 2 and device):
                    item.setToolTip(device if col == 2 else value)
                self.table.setItem(row, col, item)
        self.sig_loaded.emit(entries)

    def _failed(self, error: AdminError, asked: int | None = None) -> None:
        if asked is not None and asked != self.asked:
            return
        self.status.setText(describe(error))
        self.sig_loaded.emit(error)

    def _export_as(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("导出审计日志"), "audit.csv", self.tr("CSV 文件 (*.csv)"))
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        """The current filter's entries as CSV (UTF-8 with BOM, as the server writes it), saved off the GUI thread."""
        where = self.filters()
        if where is None:
            return
        api = self.context.api

        def export() -> Path:
            data = api.get("/admin/audit/export", **where)
            path.write_bytes(data if isinstance(data, bytes) else str(data).encode("utf-8"))
            return path
        self.context.call(export, on_done=self._exported, on_error=lambda e: (self._failed(e), self.sig_exported.emit(e)))

    def _exported(self, path: Path) -> None:
        self.status.setText(self.tr("已导出到 {path}").format(path=path))
        self.sig_exported.emit(path)
