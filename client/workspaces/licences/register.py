"""证照库: the hall's licences searched by number, holder, item, status and issue dates, with the counts by
status and by item; the selected licence's certificate saved as PDF (to print), 注销 and 补领 with a reason,
and the listing exported to .xlsx. Every call goes to the server off the GUI thread (client/services/
licence_register.py); offline the page says so and keeps what it last showed."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from pathlib import Path

from client.i18n.errors import error_text
from client.services.admin_api import OFFLINE, AdminApi, AdminError
from client.services.licence_register import (COLUMNS, LicenceRegister, Register, RegisterQuery, export_xlsx,
                                              history_lines, register_table, status_name)
from gui.ops import Ops
from gui.qt import (QAbstractItemView, QCheckBox, QComboBox, QCoreApplication, QDateEdit, QDialog, QDialogButtonBox,
                    QFileDialog, QFormLayout, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPageLayout, QPageSize,
                    QPrinter, QPushButton, QTableWidget, QTableWidgetItem, QTextDocument, QVBoxLayout, QWidget)
from shared.protocol.licences import REGISTER_ROLES, STATUSES
from shared.queue.clock import CHINA_TZ


class ReasonDialog(QDialog):
    def __init__(self, title: str, label: str, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.setWindowTitle(title)
        self.reason = QLineEdit()
        self.reason.setMaxLength(500)
        form = QFormLayout(self)
        form.addRow(label, self.reason)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class LicenceRegisterPage(QWidget):
    def __init__(self, register: LicenceRegister, ops: Ops, folder: Path, today: dt.date | None = None,
                 parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.register, self.ops, self.folder = register, ops, folder
        self._searching = ops.latest()  # a newer search wins over a slow answer
        self.result: Register | None = None
        self.query = RegisterQuery()
        self.number, self.holder = QLineEdit(), QLineEdit()
        self.number.setPlaceholderText(self.tr("证书编号（可部分）"))
        self.holder.setPlaceholderText(self.tr("持证人姓名或证件号码"))
        self.item = QComboBox()
        self.item.addItem(self.tr("全部事项"), "")
        self.status = QComboBox()
        self.status.addItem(self.tr("全部状态"), "")
        for s in STATUSES:
            self.status.addItem(status_name(s), s)
        self.use_dates = QCheckBox(self.tr("发证日期"))
        self.date_from, self.date_to = QDateEdit(calendarPopup=True), QDateEdit(calendarPopup=True)
        for edit, day in ((self.date_from, today.replace(month=1, day=1) if today else None),
                          (self.date_to, today)):
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setEnabled(False)
            if day is not None:  # this year so far, until the user picks other dates
                edit.setDate(day)
        self.use_dates.toggled.connect(self.date_from.setEnabled)
        self.use_dates.toggled.connect(self.date_to.setEnabled)
        search = QPushButton(self.tr("查询"))
        search.clicked.connect(self.search)
        self.holder.returnPressed.connect(self.search)
        self.number.returnPressed.connect(self.search)
        filters = QHBoxLayout()
        for w in (self.number, self.holder, self.item, self.status, self.use_dates, self.date_from, QLabel("—"),
                  self.date_to, search):
            filters.addWidget(w)
        self.counts = QLabel()
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([label for _, label in COLUMNS])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        actions = QHBoxLayout()
        self.export_button = QPushButton(self.tr("导出Excel"))
        self.list_pdf_button = QPushButton(self.tr("列表导出PDF（打印）"))
        self.list_pdf_button.clicked.connect(self._ask_list_pdf)
        self.certificate_button = QPushButton(self.tr("保存证书PDF（打印）"))
        self.revoke_button = QPushButton(self.tr("注销"))
        self.reissue_button = QPushButton(self.tr("补领"))
        self.history_button = QPushButton(self.tr("办理历史"))
        self.history_button.clicked.connect(self.show_history)
        self.history = QLabel()  # which cases touched the selected licence (制证, 补领, 延续, 变更)
        self.history.setWordWrap(True)
        self.history.hide()
        self.export_button.clicked.connect(self._ask_xlsx)
        self.certificate_button.clicked.connect(self.save_certificate)
        self.revoke_button.clicked.connect(lambda: self._change("revoke"))
        self.reissue_button.clicked.connect(lambda: self._change("reissue"))
        for b in (self.export_button, self.list_pdf_button, self.certificate_button, self.revoke_button,
                  self.reissue_button, self.history_button):
            actions.addWidget(b)
        actions.addStretch(1)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.counts)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.history)
        layout.addLayout(actions)
        layout.addWidget(self.message)

    def show_number(self, number: str) -> None:
        """List the certificates under one number (every status: the renewed or changed one and the one it
        replaced), or everything for ""."""
        self.number.setText(number)
        if number:
            self.holder.clear()
            self.item.setCurrentIndex(0)
            self.status.setCurrentIndex(0)
            self.use_dates.setChecked(False)
        self.search()

    def current_query(self) -> RegisterQuery:
        dates = self.use_dates.isChecked()
        return RegisterQuery(self.number.text(), self.holder.text(), self.item.currentData() or "",
                             self.status.currentData() or "",
                             self.date_from.date().toPython() if dates else None,
                             self.date_to.date().toPython() if dates else None)

    def search(self) -> None:
        query = self.current_query()
        self.message.setText(self.tr("正在查询…"))
        self._searching.run(lambda: self.register.search(query), on_done=lambda r: self._show(query, r),
                     on_error=self._failed)

    def _show(self, query: RegisterQuery, result: Register) -> None:
        self.query, self.result = query, result
        self.table.setRowCount(len(result.rows))
        for r, row in enumerate(result.rows):
            for c, (key, _) in enumerate(COLUMNS):
                value = row.get(key) or ""
                self.table.setItem(r, c, QTableWidgetItem(status_name(value) if key == "status" else str(value)))
        statuses = "　".join(f"{status_name(s)} {result.by_status.get(s, 0)}" for s in STATUSES)
        items = "　".join(f"{i['item_name']} {i['count']}" for i in result.by_item)
        self.counts.setText(self.tr("共 {0} 件　{1}\n按事项：{2}").format(result.total, statuses, items or "—"))
        known = {self.item.itemData(i) for i in range(self.item.count())}
        for i in result.by_item:
            if i["item_code"] not in known:
                self.item.addItem(i["item_name"], i["item_code"])
        self.message.setText("")

    def _failed(self, exc: Exception) -> None:
        if isinstance(exc, AdminError) and exc.code == OFFLINE:
            self.message.setText(self.tr("服务器无法连接：证照库需要联网查询，请检查网络后再试"))
        elif isinstance(exc, AdminError):
            self.message.setText(error_text(exc.code, exc.message))
        else:
            self.message.setText(self.tr("操作失败：{0}").format(exc))

    def selected(self) -> dict | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or self.result is None:
            self.message.setText(self.tr("请先在列表中选择一件证照"))
            return None
        return self.result.rows[rows[0].row()]

    def show_history(self) -> None:
        lic = self.selected()
        if lic is None:
            return
        number = lic["number"]

        def shown(entries: list[dict]) -> None:
            lines = history_lines(entries) or [self.tr("（无记录）")]
            self.history.setText(self.tr("证书编号 {0} 的办理历史：").format(number) + "\n" + "\n".join(lines))
            self.history.show()
        self.ops.run(lambda: self.register.history(lic["id"]), on_done=shown, on_error=self._failed)

    def save_certificate(self) -> None:
        lic = self.selected()
        if lic is None:
            return
        path = self.folder / f"{lic['number']}.pdf"
        self.ops.run(lambda: self.register.save_certificate(lic["id"], path),
                     on_done=lambda p: self.message.setText(self.tr("证书已保存，可打开打印：{0}").format(p)),
                     on_error=self._failed)

    def _change(self, action: str) -> None:
        lic = self.selected()
        if lic is None:
            return
        title = self.tr("注销证照") if action == "revoke" else self.tr("补领证照（原证书作废）")
        dialog = ReasonDialog(title, self.tr("原因"), self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.change(action, lic["id"], dialog.reason.text())

    def change(self, action: str, licence_id: str, reason: str) -> None:
        call = self.register.revoke if action == "revoke" else self.register.reissue
        done = self.tr("已注销") if action == "revoke" else self.tr("已补领，新证书已生效")
        self.ops.run(lambda: call(licence_id, reason), on_done=lambda _: (self.search(), self.message.setText(done)),
                     on_error=self._failed)

    def _ask_xlsx(self) -> None:
        if self.result is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, self.tr("导出Excel"), str(self.folder / "证照库.xlsx"),
                                              self.tr("Excel 工作簿 (*.xlsx)"))
        if path:
            self.export(Path(path))

    def _ask_list_pdf(self) -> None:
        if self.result is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, self.tr("列表导出PDF"), str(self.folder / "证照库.pdf"),
                                              self.tr("PDF 文件 (*.pdf)"))
        if path:
            self.save_list_pdf(Path(path))

    def save_list_pdf(self, path: Path) -> Path:
        assert self.result is not None
        path.parent.mkdir(parents=True, exist_ok=True)
        save_listing_pdf(self.result, self.query, path)
        self.message.setText(self.tr("列表已导出为PDF，可打开打印：{0}").format(path))
        return path

    def export(self, path: Path) -> None:
        result, query = self.result, self.query
        self.ops.run(lambda: export_xlsx(result, query, path),
                     on_done=lambda p: self.message.setText(self.tr("已导出：{0}").format(p)), on_error=self._failed)


def register_page(services, ops: Ops) -> LicenceRegisterPage:  # noqa: ANN001 - client.services.context.Services
    return LicenceRegisterPage(LicenceRegister(AdminApi(services.sync)), ops,
                               services.workstation.data_dir / "licences",
                               services.clock().astimezone(CHINA_TZ).date())


def register_opener(services, ops: Ops, parent: QWidget) -> Callable[[str], LicenceRegisterPage] | None:  # noqa: ANN001
    """For a workspace without a 证照库 tab (approvers, the counter's 制证人员): a function opening it in a window
    (one per workspace), listing every licence or those under one certificate number (a case's link to the
    licence it renews or changes); None for a user none of whose roles reads the register."""
    if not set(REGISTER_ROLES) & set(services.session.roles):
        return None
    title = QCoreApplication.translate("LicenceRegisterPage", "证照库")
    window: dict[str, tuple[QDialog, LicenceRegisterPage]] = {}

    def show(number: str = "") -> LicenceRegisterPage:
        if "dialog" not in window:
            dialog = QDialog(parent)
            dialog.setWindowTitle(title)
            dialog.resize(1200, 700)
            page = register_page(services, ops)
            QVBoxLayout(dialog).addWidget(page)
            window["dialog"] = dialog, page
        dialog, page = window["dialog"]
        page.show_number(number)
        dialog.show()
        dialog.raise_()
        return page

    return show


def register_button(services, ops: Ops, parent: QWidget,  # noqa: ANN001
                    opener: Callable[[str], LicenceRegisterPage] | None = None) -> QPushButton | None:
    """A 证照库 button opening the register's window (`opener`, else a new one); None for a user none of whose
    roles reads the register."""
    opener = opener or register_opener(services, ops, parent)
    if opener is None:
        return None
    button = QPushButton(QCoreApplication.translate("LicenceRegisterPage", "证照库"))
    button.clicked.connect(lambda: opener(""))
    return button


def _listing_document(register: Register, query: RegisterQuery) -> QTextDocument:
    t = register_table(register, query)
    head = "".join(f"<th>{html.escape(h)}</th>" for h in t.headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>" for row in t.rows)
    notes = "".join(f"<p>{html.escape(n)}</p>" for n in t.notes)
    doc = QTextDocument()
    doc.setHtml(f"<h2>{html.escape(t.title)}</h2><p>{html.escape(t.filters)}</p>{notes}"
                f"<table border='1' cellspacing='0' cellpadding='3' width='100%'><tr>{head}</tr>{body}</table>")
    return doc


def save_listing_pdf(register: Register, query: RegisterQuery, path: Path) -> Path:
    """The listing on A4 landscape as PDF, for printing (QTextDocument: call on the GUI thread)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageOrientation(QPageLayout.Orientation.Landscape)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    _listing_document(register, query).print_(printer)
    return path
