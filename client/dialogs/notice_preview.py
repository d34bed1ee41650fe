"""A case notice on screen — its pages as printed, with the office's seal — and what is done with it: 打印
(the system's printers, a QPrintDialog to choose one), 打印预览 (QPrintPreviewDialog), 另存 (the PDF and its
detached SM2 signature) and 送达 (recorded as a case command). Rendering and printing run on workers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from client.services.decision_notices import CaseNotice
from client.services.pdf_pages import render_pages
from client.widgets.pdf_print import PRINT_DPI, paint_pages, prepare, print_pdf, to_qimage
from gui.ops import Ops
from gui.qt import (QComboBox, QDateEdit, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel,
                    QLineEdit, QPixmap, QPrintDialog, QPrinter, QPrintPreviewDialog, QPushButton, QScrollArea, Qt,
                    QVBoxLayout, QWidget, Signal)

SCREEN_DPI = 120  # pages shown scaled to the dialog's width; the print preview paints them as they are
METHODS = (("direct", "直接送达"), ("post", "邮寄送达"), ("electronic", "电子送达"), ("public", "公告送达"))
REFERENCE = {"direct": "", "post": "邮寄单号", "electronic": "送达地址（电子邮箱或平台账号）", "public": "公告载体"}


class ServeDialog(QDialog):
    """送达: how, to whom, on which day, and the reference the way needs."""

    def __init__(self, recipient: str, today: dt.date, earliest: dt.date | None = None, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.setWindowTitle(self.tr("记录送达"))
        self.method = QComboBox()
        for code, label in METHODS:
            self.method.addItem(self.tr(label), code)
        self.recipient = QLineEdit(recipient)
        self.day = QDateEdit(today)
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.day.setMaximumDate(today)
        if earliest:
            self.day.setMinimumDate(earliest)
        self.reference = QLineEdit()
        self.reference_label = QLabel("")
        form = QFormLayout()
        form.addRow(self.tr("送达方式"), self.method)
        form.addRow(self.tr("受送达人"), self.recipient)
        form.addRow(self.tr("送达日期"), self.day)
        form.addRow(self.reference_label, self.reference)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.method.currentIndexChanged.connect(self._method_changed)
        self._method_changed()

    def _method_changed(self) -> None:
        label = REFERENCE[self.method.currentData()]
        self.reference_label.setText(self.tr(label) if label else "")
        self.reference.setVisible(bool(label))
        self.reference_label.setVisible(bool(label))

    def values(self) -> dict:
        return {"method": self.method.currentData(), "recipient": self.recipient.text().strip(),
                "served_on": self.day.date().toPython(), "reference": self.reference.text().strip()}


class NoticePreviewDialog(QDialog):
    sig_pages_shown = Signal(int)
    sig_printed = Signal(int)       # pages printed
    sig_saved = Signal(str)         # path
    sig_served = Signal(object)     # the new CaseState
    sig_failed = Signal(str)        # what went wrong, for the message line

    def __init__(self, notice: CaseNotice, ops: Ops, *, save_to: Path | None = None,
                 serve: Callable[[dict], object] | None = None, recipient: str = "",
                 today: Callable[[], dt.date] | None = None, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.notice, self.ops, self.serve_fn, self.recipient = notice, ops, serve, recipient
        self.save_to, self.today = save_to, today or dt.date.today  # the workstation's clock, asked when used
        self.images: list = []  # QImages at SCREEN_DPI, for the screen and the print preview
        self.setWindowTitle(self.tr("{0} · {1}").format(self.tr(notice.title), notice.case_number))
        self.resize(760, 900)
        self.pages = QVBoxLayout()
        self.pages.setSpacing(12)
        holder = QWidget()
        holder.setLayout(self.pages)
        holder.setStyleSheet("background: #8a8f98;")
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(holder)
        self.loading = QLabel(self.tr("正在生成预览…"))
        self.pages.addWidget(self.loading, 0, Qt.AlignmentFlag.AlignHCenter)
        sig = notice.signature
        self.signature = QLabel(self.tr("电子签名：SM2/SM3，签名密钥 {0}，文书摘要 {1}…").format(
            sig.key_id, sig.digest[:16]))
        self.signature.setObjectName("muted")
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.print_button = QPushButton(self.tr("打印…"))
        self.preview_button = QPushButton(self.tr("打印预览"))
        self.save_button = QPushButton(self.tr("另存…"))
        self.serve_button = QPushButton(self.tr("送达…"))
        self.serve_button.setVisible(serve is not None)
        close = QPushButton(self.tr("关闭"))
        self.print_button.clicked.connect(self.choose_printer)
        self.preview_button.clicked.connect(self.print_preview)
        self.save_button.clicked.connect(self.choose_file)
        self.serve_button.clicked.connect(self.ask_service)
        close.clicked.connect(self.reject)
        bar = QHBoxLayout()
        for b in (self.print_button, self.preview_button, self.save_button, self.serve_button):
            bar.addWidget(b)
        bar.addStretch(1)
        bar.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.signature)
        layout.addWidget(self.message)
        layout.addLayout(bar)
        self.ops.run(lambda: [to_qimage(p) for p in render_pages(notice.pdf, SCREEN_DPI)], on_done=self._show_pages,
                     on_error=lambda e: self._fail(self.tr("预览失败：{0}").format(type(e).__name__)))

    # -- screen ------------------------------------------------------------------------------------------
    def _show_pages(self, images: list) -> None:
        self.images = images
        self.loading.hide()
        width = max(300, self.scroll.viewport().width() - 24)  # the whole width of the page in view
        for image in images:
            page = QLabel()
            page.setPixmap(QPixmap.fromImage(image).scaledToWidth(min(width, image.width()),
                                                                  Qt.TransformationMode.SmoothTransformation))
            page.setStyleSheet("background: white;")
            self.pages.addWidget(page, 0, Qt.AlignmentFlag.AlignHCenter)
        self.sig_pages_shown.emit(len(images))

    def _fail(self, text: str) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #c62828;")
        self.sig_failed.emit(text)

    def _ok(self, text: str) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #2e7d32;")

    # -- printing ----------------------------------------------------------------------------------------
    def new_printer(self) -> QPrinter:
        return prepare(QPrinter(QPrinter.PrinterMode.HighResolution), self.notice.file_name)

    def choose_printer(self) -> None:
        printer = self.new_printer()
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(self.tr("打印{0}").format(self.tr(self.notice.title)))
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.print_to(printer)

    def print_to(self, printer: QPrinter) -> None:
        """Render at print resolution and paint on `printer`, on a worker (a real job takes seconds)."""
        self.print_button.setEnabled(False)
        self._ok(self.tr("正在打印…"))
        pdf = self.notice.pdf
        self.ops.run(lambda: print_pdf(pdf, printer, PRINT_DPI), on_done=self._printed, on_error=self._print_failed)

    def _printed(self, pages: int) -> None:
        self.print_button.setEnabled(True)
        self._ok(self.tr("已送打印机，共 {0} 页").format(pages))
        self.sig_printed.emit(pages)

    def _print_failed(self, error: Exception) -> None:
        self.print_button.setEnabled(True)
        self._fail(self.tr("打印失败：{0}").format(str(error) or type(error).__name__))

    def print_preview(self) -> QPrintPreviewDialog:
        """Qt's print preview of the pages already rendered for the screen (no waiting on the GUI thread)."""
        self._preview_printer = self.new_printer()  # the dialog keeps only a pointer: Python must own it
        preview = QPrintPreviewDialog(self._preview_printer, self)
        preview.setWindowTitle(self.tr("打印预览"))
        preview.paintRequested.connect(lambda printer: paint_pages(self.images, printer))
        preview.open()
        return preview

    # -- saving and 送达 -----------------------------------------------------------------------------------
    def choose_file(self) -> None:
        start = str((self.save_to or Path.home()) / self.notice.file_name)
        path, _ = QFileDialog.getSaveFileName(self, self.tr("另存文书"), start, self.tr("PDF 文件 (*.pdf)"))
        if path:
            self.save(Path(path))

    def save(self, path: Path) -> None:
        from client.services.decision_notices import write_notice
        notice = self.notice
        self.ops.run(lambda: write_notice(notice, path), on_done=self._saved,
                     on_error=lambda e: self._fail(self.tr("未能保存：{0}").format(str(e) or type(e).__name__)))

    def _saved(self, path: Path) -> None:
        self._ok(self.tr("已保存：{0}（电子签名已嵌入文件，并另存为 {1}）").format(path.name, path.name + ".sig"))
        self.sig_saved.emit(str(path))

    def ask_service(self) -> ServeDialog:
        dialog = ServeDialog(self.recipient, self.today(), parent=self)
        dialog.accepted.connect(lambda: self.record_service(dialog.values()))
        dialog.open()
        return dialog

    def record_service(self, values: dict) -> None:
        if self.serve_fn is None:
            return
        fn = self.serve_fn
        self.ops.write(lambda: fn(values), on_done=self._served, on_error=self._serve_failed)

    def _served(self, state: object) -> None:
        self.serve_button.setEnabled(False)
        self._ok(self.tr("送达已记录，等待同步到服务器"))
        self.sig_served.emit(state)

    def _serve_failed(self, error: Exception) -> None:
        from client.i18n.labels import approval_error
        from shared.errors import DomainError
        code = error.code if isinstance(error, DomainError) else type(error).__name__
        self._fail(self.tr("未能记录送达：{0}").format(approval_error(code)))
