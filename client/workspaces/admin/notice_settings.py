"""文书设置: the notice settings of a hall this admin manages (the hall picker offers what the server's hall
confinement allows: a hall admin their own hall, an admin of no hall every hall; the workstation's hall first) — issuing office name, phone, the review authority and court, the remedies
wording, the seal image (a transparent PNG) and template text overrides (a form per notice, notice_texts.py, over
the overrides' JSON in a tab of its own) — edited as a draft, previewed as the
page of a sample notice rendered by the server with the draft, and saved (the hall's counters get them with
their next pull and print offline with exactly these)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from client.i18n.errors import error_text
from client.services.admin_api import AdminError
from client.services.pdf_preview import PreviewUnavailable, first_page_png
from client.workspaces.admin.admin_widgets import HallPicker, hall_page
from client.workspaces.admin.context import AdminContext, describe
from client.workspaces.admin.notice_texts import TemplateTextsForm
from shared.notices import template_file
from shared.notices.settings import InvalidNoticeSettings
from gui.qt import (QComboBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPixmap, QPlainTextEdit,
                    QPushButton, QScrollArea, QSplitter, QTabWidget, Qt, QVBoxLayout, QWidget, Signal)

KINDS = (("refusal", "不予行政许可决定书"), ("refusal_of_acceptance", "不予受理决定书"), ("acceptance", "受理通知书"),
         ("correction", "补正材料通知书"), ("grant", "准予行政许可决定书"), ("receipt", "收件回执"),
         ("extension", "延长期限通知书"), ("special_procedure", "特别程序告知书"))
TEXT_FIELDS = (("office_name", "发文机关名称"), ("phone", "咨询电话"), ("review_authority", "行政复议机关"),
               ("court", "行政诉讼法院"))


class NoticeSettingsPage(QWidget):
    sig_loaded = Signal(object)    # the settings shown, or an AdminError
    sig_saved = Signal(object)     # the saved settings, or an AdminError
    sig_preview = Signal(object)   # the page PNG bytes, or an error
    sig_file = Signal(object)      # a template file exported or imported (None), or the error

    def __init__(self, context: AdminContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.hall = HallPicker(context, on_error=self._failed)
        self.hall.prefer_id = context.services.reference.hall_id
        self.hall.currentIndexChanged.connect(lambda _: self.refresh())
        self.seal: bytes | None = None
        self.hall_code = ""
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.codes = QLabel()
        self.edits: dict[str, QLineEdit] = {name: QLineEdit() for name, _ in TEXT_FIELDS}
        self.remedies = QPlainTextEdit()
        self.remedies.setPlaceholderText(self.tr("留空则用模板原文；须包含 {review_authority} 和 {court}"))
        self.remedies.setMaximumHeight(90)
        self.seal_view = QLabel(self.tr("无印章图片"))
        self.seal_view.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.seal_view.setFixedSize(120, 120)
        self.seal_view.setStyleSheet("border: 1px dashed #999;")
        choose = QPushButton(self.tr("选择印章图片…"))
        choose.clicked.connect(self._choose_seal)
        clear = QPushButton(self.tr("清除印章"))
        clear.clicked.connect(lambda: self.set_seal(None))
        self.templates = QPlainTextEdit()
        self.templates.setPlaceholderText(self.tr('模板文字覆盖（JSON），例如 {"refusal": {"title": "……"}}；留空则用默认模板'))
        # the overrides as a JSON file (shared.notices.template_file): exported, edited elsewhere, imported back
        self.export_button = QPushButton(self.tr("导出模板…"))
        self.export_button.clicked.connect(self._choose_export)
        self.import_button = QPushButton(self.tr("导入模板…"))
        self.import_button.clicked.connect(self._choose_import)
        self.kind_box = QComboBox()
        for kind, label in KINDS:
            self.kind_box.addItem(self.tr(label), kind)
        self.preview_button = QPushButton(self.tr("预览"))
        self.preview_button.clicked.connect(self.preview)
        self.save_button = QPushButton(self.tr("保存"))
        self.save_button.clicked.connect(self.save)
        self.page_view = QLabel(self.tr("点击“预览”查看按当前设置生成的示例文书"))
        self.page_view.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.page_view.setWordWrap(True)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.page_view)

        form = QFormLayout()
        form.addRow(self.tr("机构编码"), self.codes)
        for name, label in TEXT_FIELDS:
            form.addRow(self.tr(label), self.edits[name])
        form.addRow(self.tr("救济途径文字"), self.remedies)
        seal_box = QWidget()  # one widget in the form row, so the image and its buttons stay side by side
        seal_row = QHBoxLayout(seal_box)
        seal_row.setContentsMargins(0, 0, 0, 0)
        seal_row.addWidget(self.seal_view, 0, Qt.AlignmentFlag.AlignTop)
        seal_buttons = QVBoxLayout()
        seal_buttons.addWidget(choose)
        seal_buttons.addWidget(clear)
        seal_buttons.addStretch(1)
        seal_row.addLayout(seal_buttons)
        seal_row.addStretch(1)
        form.addRow(self.tr("印章"), seal_box)
        # the office's settings; the template texts as a form (notice_texts.py) over the overrides' JSON, which
        # has a tab of its own: each takes the column's full height on a 768-pixel screen
        self.texts = TemplateTextsForm(self.templates)
        self.texts.sig_invalid.connect(self.status.setText)
        self.texts.template_box.currentIndexChanged.connect(lambda _: self._preview_edited())
        office = QWidget()
        office.setLayout(form)
        self.template_tabs = QTabWidget()
        self.template_tabs.addTab(office, self.tr("机构与印章"))
        self.template_tabs.addTab(self.texts, self.tr("模板文字"))
        self.template_tabs.addTab(self.templates, self.tr("模板JSON"))
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel(self.tr("预览文书")))
        buttons.addWidget(self.kind_box, 1)
        buttons.addWidget(self.preview_button)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.save_button)
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.template_tabs, 1)
        column.addLayout(buttons)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(scroll)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        body = QVBoxLayout()
        body.addWidget(split)
        hall_page(self, self.tr("大厅"), self.hall, body, self.status)
        self.hall.load()

    def _preview_edited(self) -> None:
        """The preview follows the notice whose texts are being edited, when it is one the preview makes."""
        index = self.kind_box.findData(self.texts.template_id())
        if index >= 0:
            self.kind_box.setCurrentIndex(index)

    @property
    def hall_id(self) -> int | None:
        return self.hall.hall_id()

    def _url(self) -> str:
        return f"/admin/halls/{self.hall_id}/notice-settings"

    def refresh(self) -> None:
        if self.hall_id is None:
            self.status.setText(self.tr("没有可设置文书的大厅"))
            return
        self.status.setText(self.tr("正在连接服务器……"))
        self.context.call(lambda: self.context.api.get(self._url()), on_done=self._show, on_error=self._failed)

    def _show(self, shown: dict) -> None:
        hall = self.hall.current()
        if hall is None or shown["hall_code"] != hall["code"]:
            return  # the answer for a hall the admin has since switched away from
        self.codes.setText(self.tr("中心 {centre}　大厅 {hall}").format(centre=shown["centre_code"], hall=shown["hall_code"]))
        self.hall_code = shown["hall_code"]
        for name, edit in self.edits.items():
            edit.setText(shown[name])
        self.edits["office_name"].setPlaceholderText(self.tr("留空则为：{name}").format(name=shown["default_office_name"]))
        self.remedies.setPlainText(shown["remedies"])
        self.templates.setPlainText(json.dumps(shown["templates"], ensure_ascii=False, indent=1)
                                    if shown["templates"] else "")
        self.set_seal(base64.b64decode(shown["seal_png"]) if shown["seal_png"] else None)
        self.status.setText(self.tr("已保存的设置（{who}）").format(who=shown["updated_by"]) if shown["stored"] else
                            self.tr("尚未设置：以下为系统默认值，保存后同步到该大厅各窗口"))
        self.sig_loaded.emit(shown)

    def _failed(self, error: AdminError) -> None:
        self.status.setText(describe(error))
        self.sig_loaded.emit(error)

    # the seal -------------------------------------------------------------------------------------------
    def set_seal(self, png: bytes | None) -> None:
        self.seal = png
        pixmap = QPixmap()
        if png and pixmap.loadFromData(png):
            self.seal_view.setPixmap(pixmap.scaled(110, 110, Qt.AspectRatioMode.KeepAspectRatio,
                                                   Qt.TransformationMode.SmoothTransformation))
        else:
            self.seal_view.setPixmap(QPixmap())
            self.seal_view.setText(self.tr("无印章图片"))

    def _choose_seal(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("选择印章图片"), "", self.tr("透明背景 PNG (*.png)"))
        if path:
            self.load_seal(Path(path))

    def load_seal(self, path: Path) -> None:
        """The server checks the image (PNG, transparent, size) when it previews or saves."""
        self.context.ops.run(path.read_bytes, on_done=self.set_seal,
                             on_error=lambda e: self.status.setText(self.tr("无法读取图片：{e}").format(e=e)))

    # templates as a JSON file ----------------------------------------------------------------------------
    def _choose_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("导出文书模板"), "notice-templates.json",
                                              self.tr("JSON 文件 (*.json)"))
        if path:
            self.export_to(Path(path))

    def _choose_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("导入文书模板"), "", self.tr("JSON 文件 (*.json)"))
        if path:
            self.import_from(Path(path))

    def export_to(self, path: Path) -> None:
        """The draft's template overrides (checked as an import would check them) written as the JSON file."""
        body = self.draft()
        if body is None:
            return
        code = self.hall_code

        def write() -> Path:
            text = template_file.export_text(body["templates"], code)
            template_file.import_text(text)  # a file this page writes always imports again
            path.write_text(text, encoding="utf-8")
            return path
        self.context.ops.run(write, on_done=lambda p: self._file_done(self.tr("模板已导出到 {path}").format(path=p)),
                             on_error=self._file_failed)

    def import_from(self, path: Path) -> None:
        """A template file read and checked off the GUI thread; its overrides replace the draft's (saved only
        with 保存, so a preview can come first)."""
        def read() -> dict:
            return template_file.import_text(path.read_bytes())

        def shown(overrides: dict) -> None:
            self.templates.setPlainText(json.dumps(overrides, ensure_ascii=False, indent=1) if overrides else "")
            self._file_done(self.tr("已导入 {n} 个模板的文字（尚未保存：可先预览，再点“保存”）").format(n=len(overrides)))
        self.context.ops.run(read, on_done=shown, on_error=self._file_failed)

    def _file_done(self, text: str) -> None:
        self.status.setText(text)
        self.sig_file.emit(None)

    def _file_failed(self, error: Exception) -> None:
        if isinstance(error, InvalidNoticeSettings):
            text = error_text(error.code, str(error))
            where = error.details
            if "line" in where and where["line"]:
                text += self.tr("（第 {line} 行第 {column} 列）").format(line=where["line"], column=where["column"])
            if where.get("template"):
                text += self.tr("（模板 {id}）").format(id=where["template"])
        else:
            text = self.tr("无法读写模板文件：{e}").format(e=error)
        self.status.setText(text)
        self.sig_file.emit(error)

    # draft, preview, save -----------------------------------------------------------------------------
    def draft(self) -> dict | None:
        text = self.templates.toPlainText().strip()
        try:
            templates = json.loads(text) if text else {}
        except json.JSONDecodeError as exc:
            self.status.setText(self.tr("模板文字不是有效的 JSON（第 {line} 行）").format(line=exc.lineno))
            return None
        if not isinstance(templates, dict):
            self.status.setText(self.tr("模板文字须为 JSON 对象"))
            return None
        return {**{name: edit.text().strip() for name, edit in self.edits.items()},
                "remedies": self.remedies.toPlainText().strip(), "templates": templates,
                "seal_png": base64.b64encode(self.seal).decode("ascii") if self.seal else ""}

    def preview(self) -> None:
        body = self.draft()
        if body is None or self.hall_id is None:
            return
        kind = self.kind_box.currentData()
        self.status.setText(self.tr("正在生成预览……"))
        api = self.context.api

        def render() -> bytes:
            pdf = api.request("POST", self._url() + "/preview", json=body, params={"kind": kind})
            try:
                return first_page_png(pdf)  # a PDF answer arrives as its bytes
            except PreviewUnavailable as exc:
                raise AdminError("preview_unavailable", str(exc)) from exc
        self.context.call(render, on_done=self._show_page, on_error=self._preview_failed)

    def _show_page(self, png: bytes) -> None:
        pixmap = QPixmap()
        pixmap.loadFromData(png)
        self.page_view.setPixmap(pixmap)
        self.status.setText(self.tr("预览为示例办件，按当前（未保存的）设置生成"))
        self.sig_preview.emit(png)

    def _preview_failed(self, error: AdminError) -> None:
        self.status.setText(describe(error))
        self.sig_preview.emit(error)

    def save(self) -> None:
        body = self.draft()
        if body is None or self.hall_id is None:
            return
        self.save_button.setEnabled(False)
        self.context.call(lambda: self.context.api.put(self._url(), body), on_done=self._saved,
                          on_error=self._save_failed)

    def _saved(self, shown: dict) -> None:
        self.save_button.setEnabled(True)
        self._show(shown)
        self.status.setText(self.tr("已保存。该大厅各窗口在下次同步后按新设置出具文书。"))
        self.sig_saved.emit(shown)

    def _save_failed(self, error: AdminError) -> None:
        self.save_button.setEnabled(True)
        self.status.setText(describe(error))
        self.sig_saved.emit(error)
