"""电子档案: the hall's archives of finished cases by 办结 period (searchable by case number) with their document
count, retention end and status; the chosen archive's manifest (number, kind, title, SM3) and 校验, which names
every changed, missing or unreadable document; exports of one case (PDF, or the folder as zip), of the period
(批量导出) and the period's list (打印目录), saved where the user chooses; 销毁 for admins, with reason, approver
and approval document. Every call goes to the server off the GUI thread (client/services/archive.py); offline
the page says so and keeps what it last showed."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

from client.i18n.errors import error_text
from client.services.admin_api import OFFLINE, AdminApi, AdminError
from client.services.archive import (ArchiveService, Period, kind_name, matching, status_name,
                                     verification_lines)
from gui.ops import Ops
from gui.qt import (QAbstractItemView, QDateEdit, QDialog, QDialogButtonBox, QFileDialog, QFont, QFormLayout,
                    QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton, QSplitter, Qt, QTableWidget,
                    QTableWidgetItem, QVBoxLayout, QWidget, Signal)
from shared.queue.clock import CHINA_TZ

LIST_COLUMNS = ("档案号", "办件编号", "事项", "办结日期", "文件数", "保管期限至", "状态")
DOC_COLUMNS = ("件号", "类别", "题名", "日期", "SM3")
# the server refuses with the retention end in its own words: show them, not a generic text
SERVER_WORDS = {"archive_retention_running", "bad_period"}


class DisposalDialog(QDialog):
    """销毁 asks for what the disposal record keeps: why, who approved it and under which document."""

    def __init__(self, archive: dict, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("销毁档案"))
        self.reason, self.approved_by, self.approval_ref = QLineEdit(), QLineEdit(), QLineEdit()
        self.reason.setMaxLength(500)
        self.approved_by.setMaxLength(100)
        self.approval_ref.setMaxLength(100)
        self.reason.setPlaceholderText(self.tr("例如：保管期满，经鉴定无继续保存价值"))
        self.approved_by.setPlaceholderText(self.tr("例如：档案鉴定小组"))
        self.approval_ref.setPlaceholderText(self.tr("例如：莞档销〔2057〕1号"))
        self.hint = QLabel()
        self.hint.setStyleSheet("color: #b00020;")
        form = QFormLayout(self)
        form.addRow(QLabel(self.tr("档案号：{0}　办件编号：{1}\n保管期限至：{2}。销毁后文件将被删除，不可恢复。").format(
            archive["archive_no"], archive["case_number"], archive["retention_until"])))
        form.addRow(self.tr("销毁原因"), self.reason)
        form.addRow(self.tr("审批人"), self.approved_by)
        form.addRow(self.tr("审批文号"), self.approval_ref)
        form.addRow(self.hint)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("确认销毁"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        for edit in (self.reason, self.approved_by, self.approval_ref):
            edit.textChanged.connect(lambda _: self.hint.setText(""))
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.resize(520, self.sizeHint().height())

    def missing(self) -> str:
        if len(self.reason.text().strip()) < 2:
            return self.tr("请填写销毁原因（至少2个字）")
        if not self.approved_by.text().strip():
            return self.tr("请填写审批人")
        if not self.approval_ref.text().strip():
            return self.tr("请填写审批文号")
        return ""

    def _accept(self) -> None:
        problem = self.missing()
        self.hint.setText(problem)
        if not problem:
            self.accept()

    def values(self) -> tuple[str, str, str]:
        return self.reason.text().strip(), self.approved_by.text().strip(), self.approval_ref.text().strip()


def _table(headers: tuple[str, ...], tr: Callable[[str], str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels([tr(h) for h in headers])
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class ArchivePage(QWidget):
    sig_listed = Signal(object)     # the rows shown
    sig_detail = Signal(object)     # the archive shown in the detail
    sig_verified = Signal(object)   # the verification report
    sig_saved = Signal(object)      # the saved file's Path
    sig_failed = Signal(object)     # the error shown

    def __init__(self, archive: ArchiveService, ops: Ops, folder: Path, today: dt.date,
                 may_dispose: bool, item_name: Callable[[str], str] = str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.archive, self.ops, self.folder, self.item_name = archive, ops, folder, item_name
        self._listing, self._opening = ops.latest(), ops.latest()  # a newer period or row wins over a slow answer
        self.rows: list[dict] = []      # the period's archives as the server listed them
        self.shown: list[dict] = []     # those the case-number search keeps
        self.period: Period | None = None
        self.current: dict | None = None  # the archive in the detail
        # where an export goes: the save dialog, or a test's own choice (title, file name, filter) → path
        self.ask_path: Callable[[str, str, str], Path | None] = self._ask_path
        self.ask_disposal: Callable[[dict], tuple[str, str, str] | None] = self._ask_disposal
        self.date_from, self.date_to = QDateEdit(calendarPopup=True), QDateEdit(calendarPopup=True)
        for edit, day in ((self.date_from, today.replace(month=1, day=1)), (self.date_to, today)):
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setDate(day)
        self.case_number = QLineEdit()
        self.case_number.setPlaceholderText(self.tr("办件编号（可部分）"))
        self.case_number.setMinimumWidth(180)
        self.case_number.textChanged.connect(lambda _: self._fill_list())
        search = QPushButton(self.tr("查询"))
        search.clicked.connect(lambda: self.search())
        self.batch_button = QPushButton(self.tr("批量导出（zip）"))
        self.batch_button.clicked.connect(self.save_period)
        self.list_button = QPushButton(self.tr("打印目录（PDF）"))
        self.list_button.clicked.connect(self.save_period_list)
        filters = QHBoxLayout()
        for w in (QLabel(self.tr("办结日期")), self.date_from, QLabel("—"), self.date_to, self.case_number, search):
            filters.addWidget(w)
        filters.addStretch(1)
        filters.addWidget(self.batch_button)
        filters.addWidget(self.list_button)
        self.counts = QLabel()
        self.table = _table(LIST_COLUMNS, self.tr)
        self.table.itemSelectionChanged.connect(self._selected)

        self.heading = QLabel(self.tr("在上方列表中选择一卷档案，查看卷内文件"))
        self.heading.setWordWrap(True)
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.documents = _table(DOC_COLUMNS, self.tr)
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self._mono = mono
        self.verify_button = QPushButton(self.tr("校验"))
        self.verify_button.clicked.connect(self.verify)
        self.pdf_button = QPushButton(self.tr("导出PDF"))
        self.pdf_button.clicked.connect(lambda: self.save_case("pdf"))
        self.zip_button = QPushButton(self.tr("导出文件夹（zip）"))
        self.zip_button.clicked.connect(lambda: self.save_case("folder"))
        self.dispose_button = QPushButton(self.tr("销毁…"))
        self.dispose_button.clicked.connect(self._dispose_clicked)
        self.dispose_button.setVisible(may_dispose)  # admins only: the server refuses anyone else anyway
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        actions = QHBoxLayout()
        for b in (self.verify_button, self.pdf_button, self.zip_button, self.dispose_button):
            actions.addWidget(b)
        actions.addStretch(1)
        detail = QWidget()
        column = QVBoxLayout(detail)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.heading)
        column.addWidget(self.documents, 1)
        column.addLayout(actions)
        column.addWidget(self.result)
        top = QWidget()
        upper = QVBoxLayout(top)
        upper.setContentsMargins(0, 0, 0, 0)
        upper.addWidget(self.counts)
        upper.addWidget(self.table, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(detail)
        split.setStretchFactor(0, 2)  # the manifest gets the larger part: at 1366×768 it still shows 4 rows
        split.setStretchFactor(1, 3)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(split, 1)
        layout.addWidget(self.message)
        self._show_detail(None)

    # -- the list -------------------------------------------------------------------------------------------
    def current_period(self) -> Period:
        return Period(self.date_from.date().toPython(), self.date_to.date().toPython())

    def search(self, note: str = "") -> None:
        """List the chosen period; `note` is what the line under the page says once it is listed."""
        period = self.current_period()
        self._note(self.tr("正在查询…"))
        self._listing.run(lambda: self.archive.list(period), on_done=lambda rows: self._listed(period, rows, note),
                     on_error=self._failed)

    def _listed(self, period: Period, rows: list[dict], note: str = "") -> None:
        self.period, self.rows = period, rows
        self._note(note)
        self._fill_list()

    def _fill_list(self) -> None:
        keep = self.current["case_id"] if self.current else None
        self.shown = matching(self.rows, self.case_number.text())
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.shown))
        for r, row in enumerate(self.shown):
            values = (row["archive_no"], row["case_number"], self.item_name(row["item_code"]), row["closed_on"],
                      str(row["document_count"]), row["retention_until"], status_name(row["status"]))
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                if row["status"] == "disposed":
                    item.setForeground(Qt.GlobalColor.gray)
                self.table.setItem(r, c, item)
        self.table.blockSignals(False)
        disposed = sum(1 for r in self.rows if r["status"] == "disposed")
        if self.period is not None:
            self.counts.setText(self.tr("{0} 至 {1} 办结归档 {2} 卷（已销毁 {3} 卷），当前显示 {4} 卷").format(
                self.period.start.isoformat(), self.period.end.isoformat(), len(self.rows), disposed,
                len(self.shown)))
        ids = [r["case_id"] for r in self.shown]
        if keep in ids:  # the archive in the detail stays, read again (it may have just been disposed of)
            self.table.blockSignals(True)
            self.table.selectRow(ids.index(keep))
            self.table.blockSignals(False)
            self._open(self.shown[ids.index(keep)])
        else:
            self.table.clearSelection()
            self._show_detail(None)
        self.sig_listed.emit(self.shown)

    def select_case(self, case_id: str) -> None:
        self.table.selectRow([r["case_id"] for r in self.shown].index(case_id))

    def _selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        self._open(self.shown[rows[0].row()])

    def _open(self, row: dict) -> None:
        self._show_detail({**row, "documents": None})
        self._opening.run(lambda: self.archive.detail(row["case_id"]), on_done=self._detail_arrived,
                     on_error=self._failed)

    # -- the detail -----------------------------------------------------------------------------------------
    def _detail_arrived(self, archive: dict) -> None:
        if self.current is None or self.current["case_id"] != archive["case_id"]:
            return  # another archive was chosen meanwhile
        self._show_detail(archive)
        self.sig_detail.emit(archive)

    def _show_detail(self, archive: dict | None) -> None:
        self.current = archive
        self.result.setText("")
        self.result.setStyleSheet("")
        live = archive is not None and archive["status"] != "disposed"
        for b in (self.verify_button, self.pdf_button, self.zip_button, self.dispose_button):
            b.setEnabled(live)
        self.documents.setRowCount(0)
        if archive is None:
            self.heading.setText(self.tr("在上方列表中选择一卷档案，查看卷内文件"))
            return
        self.heading.setText(self.tr("档案号 {0}　办件编号 {1}　办结 {2}　保管期限至 {3}　{4}\n清单SM3：{5}").format(
            archive["archive_no"], archive["case_number"], archive["closed_on"], archive["retention_until"],
            status_name(archive["status"]), archive["manifest_sm3"]))
        if archive["status"] == "disposed":
            self.result.setText(self.tr("该档案已销毁，卷内文件已删除，仅保留目录记录"))
            return
        documents = archive.get("documents")
        if documents is None:
            self.result.setText(self.tr("正在读取卷内文件…"))
            return
        self.documents.setRowCount(len(documents))
        for r, d in enumerate(documents):
            for c, value in enumerate((d["no"], kind_name(d), d["title"], d.get("date", ""), d["sm3"])):
                item = QTableWidgetItem(value)
                if c == 4:
                    item.setFont(self._mono)
                self.documents.setItem(r, c, item)
        if not documents:  # the manifest could not be read: 校验 says what is wrong
            self.result.setText(self.tr("无法读取档案清单，请点击“校验”查看原因"))

    def verify(self) -> None:
        archive = self.current
        if archive is None:
            return
        self.result.setText(self.tr("正在校验…"))
        self.ops.run(lambda: self.archive.verify(archive["case_id"]),
                     on_done=lambda report: self._verified(archive["case_id"], report), on_error=self._failed)

    def _verified(self, case_id: str, report: dict) -> None:
        if self.current is None or self.current["case_id"] != case_id:
            return
        if report.get("ok"):
            self.result.setStyleSheet("color: #1b5e20;")
            self.result.setText(self.tr("校验结果：完整无误（{0} 件文件与档案清单SM3一致，清单签名有效）").format(
                report.get("documents", 0)))
        else:
            self.result.setStyleSheet("color: #b00020;")
            lines = verification_lines(report)
            named = {p["no"] for p in report.get("problems", [])}
            for r in range(self.documents.rowCount()):  # the named documents in red in the manifest too
                if self.documents.item(r, 0).text() in named:
                    for c in range(self.documents.columnCount()):
                        self.documents.item(r, c).setForeground(Qt.GlobalColor.red)
            self.result.setText(self.tr("校验未通过，发现 {0} 处问题：\n{1}").format(len(lines), "\n".join(lines)))
        self.sig_verified.emit(report)

    # -- exports --------------------------------------------------------------------------------------------
    def _ask_path(self, title: str, name: str, kind: str) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(self, title, str(self.folder / name), kind)
        return Path(path) if path else None

    def _save(self, job: Callable[[Path], Path], title: str, name: str, kind: str) -> None:
        path = self.ask_path(title, name, kind)
        if path is None:
            return
        self._note(self.tr("正在导出…"))
        self.ops.run(lambda: job(path), on_done=self._saved, on_error=self._failed)

    def _saved(self, path: Path) -> None:
        self._note(self.tr("已保存：{0}").format(path))
        self.sig_saved.emit(path)

    def save_case(self, fmt: str) -> None:
        archive = self.current
        if archive is None:
            self._note(self.tr("请先在列表中选择一卷档案"))
            return
        if fmt == "pdf":
            title, name, kind = self.tr("导出PDF"), f"{archive['archive_no']}.pdf", self.tr("PDF 文件 (*.pdf)")
        else:
            title, name, kind = self.tr("导出文件夹（zip）"), f"{archive['archive_no']}.zip", self.tr("zip 压缩包 (*.zip)")
        self._save(lambda p: self.archive.save_case(archive["case_id"], fmt, p), title, name, kind)

    def save_period(self) -> None:
        period = self.period
        if period is None or not any(r["status"] != "disposed" for r in self.rows):
            self._note(self.tr("该期间没有可导出的档案，请先查询"))
            return
        self._save(lambda p: self.archive.save_period(period, p), self.tr("批量导出"),
                   f"档案-{period.start}-{period.end}.zip", self.tr("zip 压缩包 (*.zip)"))

    def save_period_list(self) -> None:
        period = self.period
        if period is None:
            self._note(self.tr("请先查询一个期间"))
            return
        self._save(lambda p: self.archive.save_period_list(period, p), self.tr("打印目录"),
                   f"归档清单-{period.start}-{period.end}.pdf", self.tr("PDF 文件 (*.pdf)"))

    # -- disposal -------------------------------------------------------------------------------------------
    def _ask_disposal(self, archive: dict) -> tuple[str, str, str] | None:
        dialog = DisposalDialog(archive, self)
        return dialog.values() if dialog.exec() == QDialog.DialogCode.Accepted else None

    def _dispose_clicked(self) -> None:
        archive = self.current
        if archive is None:
            return
        answer = self.ask_disposal(archive)
        if answer is not None:
            self.dispose(archive["case_id"], *answer)

    def dispose(self, case_id: str, reason: str, approved_by: str, approval_ref: str) -> None:
        self._note(self.tr("正在销毁…"))

        def done(after: dict) -> None:
            self.search(self.tr("已销毁档案 {0}，销毁记录已保存").format(after["archive_no"]))
        self.ops.run(lambda: self.archive.dispose(case_id, reason, approved_by, approval_ref), on_done=done,
                     on_error=self._failed)

    def _failed(self, exc: Exception) -> None:
        if isinstance(exc, AdminError) and exc.code == OFFLINE:
            text = self.tr("服务器无法连接：电子档案需要联网查询和导出，请检查网络后再试")
        elif isinstance(exc, AdminError) and exc.code in SERVER_WORDS and exc.message:
            text = _chinese(exc.message)
        elif isinstance(exc, AdminError):
            text = error_text(exc.code, exc.message)
        else:
            text = self.tr("操作失败：{0}").format(exc)
        self._note(text, error=True)
        self.sig_failed.emit(exc)

    def _note(self, text: str, error: bool = False) -> None:
        """The line under the page: a refusal in red, so it is not taken for a done job."""
        self.message.setStyleSheet("color: #b00020;" if error else "")
        self.message.setText(text)


def _chinese(message: str) -> str:
    """The server's Chinese sentence without its English gloss in trailing parentheses."""
    return re.sub(r"（[\x20-\x7e]+）$", "", message)


def archive_page(services, ops: Ops) -> ArchivePage:  # noqa: ANN001 - client.services.context.Services
    """The page of the workstation's hall (an unregistered PC: the signed-in user's hall)."""
    names = {c.item_code: c.item_name for c in services.catalogue.choices}
    service = ArchiveService(AdminApi(services.sync), services.reference.hall_id)
    return ArchivePage(service, ops, services.workstation.data_dir / "archive",
                       services.clock().astimezone(CHINA_TZ).date(), "admin" in services.session.roles,
                       lambda code: names.get(code, code))
