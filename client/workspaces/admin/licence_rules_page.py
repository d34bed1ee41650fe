"""证照规则: per licensing item, how its licences are numbered, how many years they are valid and the
certificate's title, over GET/PUT /admin/licence-rules/{item}. The draft is previewed as it is typed with
shared.licences.NumberingRule — the rule the server numbers with — and the serial the server says comes next,
so the admin sees the next number (or the rule's refusal, in Chinese) before saving. The server checks again
on save; its refusals are shown with their Chinese text and nothing is saved. Certificate template overrides
are kept as they are (文书 wording is edited elsewhere)."""

from __future__ import annotations

from typing import Any

from client.i18n.errors import error_text
from client.services.admin_api import AdminError
from client.workspaces.admin.admin_widgets import list_form_page
from client.workspaces.admin.context import AdminContext
from gui.qt import (QFormLayout, QHBoxLayout, QLabel, QLineEdit, QListWidgetItem, QPushButton,
                    QSpinBox, Qt, QVBoxLayout, QWidget, Signal)
from shared.licences import MAX_VALIDITY_YEARS, LicenceRuleError, NumberingRule, default_licence_name

LICENSING = "administrative_licence"


class LicenceRulesPage(QWidget):
    sig_loaded = Signal(object)   # the licensing items listed, or an AdminError
    sig_opened = Signal(object)   # the rule shown (dict), or an AdminError
    sig_saved = Signal(object)    # the saved rule (dict), or an AdminError

    def __init__(self, context: AdminContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.code: str | None = None
        self.item_names: dict[str, str] = {}
        self.shown: dict[str, Any] | None = None  # the server's last answer for the open item
        parts = list_form_page(self, self.tr("搜索事项名称或编码"), self._editor(), lambda code: self.open(code),
                               min_width=280, width=330)
        self.search, self.items, self.message = parts.search, parts.entries, parts.message
        self.refresh()

    def _editor(self) -> QWidget:
        self.title = QLabel(self.tr("请选择左侧的许可事项"))
        self.title.setStyleSheet("font-size: 16px; font-weight: bold;")
        self.state = QLabel()
        self.pattern = QLineEdit()
        self.pattern.setPlaceholderText("{prefix}{year}{seq:05d}")
        self.prefix = QLineEdit()
        self.prefix.setMaxLength(20)
        self.validity = QSpinBox()
        self.validity.setRange(1, MAX_VALIDITY_YEARS)
        self.validity.setSuffix(self.tr(" 年"))
        self.licence_name = QLineEdit()
        self.licence_name.setMaxLength(100)
        help_text = QLabel(self.tr(
            "可用字段：{prefix} 前缀　{item} 事项编码　{year} 年份　{seq} 流水号（必填，如 {seq:05d} 为5位补零）。\n"
            "流水号按事项、按年度连续编号；制证时编号留空即按此规则取下一个号。"))
        help_text.setWordWrap(True)
        help_text.setStyleSheet("color: #555;")
        self.preview = QLabel()
        self.preview.setWordWrap(True)
        self.preview.setStyleSheet("font-size: 15px;")
        for edit in (self.pattern, self.prefix, self.licence_name):
            edit.textChanged.connect(self.update_preview)
        self.validity.valueChanged.connect(self.update_preview)
        self.save_button = QPushButton(self.tr("保存"))
        self.save_button.clicked.connect(self.save)
        self.reset_button = QPushButton(self.tr("撤销修改"))
        self.reset_button.clicked.connect(lambda: self.shown is not None and self._show(self.shown))
        form = QFormLayout()
        form.addRow(self.tr("编号规则"), self.pattern)
        form.addRow(self.tr("前缀"), self.prefix)
        form.addRow(self.tr("有效期"), self.validity)
        form.addRow(self.tr("证书名称"), self.licence_name)
        form.addRow("", help_text)
        form.addRow(self.tr("下一个编号"), self.preview)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.reset_button)
        buttons.addWidget(self.save_button)
        editor = QWidget()
        column = QVBoxLayout(editor)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.title)
        column.addWidget(self.state)
        column.addLayout(form)
        column.addStretch(1)
        column.addLayout(buttons)
        self._enable(False)
        return editor

    def _enable(self, on: bool) -> None:
        for w in (self.pattern, self.prefix, self.validity, self.licence_name, self.save_button, self.reset_button):
            w.setEnabled(on)

    # -- loading ------------------------------------------------------------------------------------------
    def refresh(self) -> None:
        self.context.call(lambda: self.context.api.get("/catalogue/items", category=LICENSING), on_done=self._listed,
                          on_error=lambda e: self._failed(e, self.sig_loaded))

    def _listed(self, items: list[dict]) -> None:
        licensing = items  # only licensing items issue licences
        self.item_names = {i["code"]: i["name"] for i in licensing}
        self.items.clear()
        for item in licensing:
            entry = QListWidgetItem(f"{item['name']}（{item['code']}）")
            entry.setData(Qt.ItemDataRole.UserRole, item["code"])
            self.items.addItem(entry)
        if not licensing:
            self.message.done(self.tr("事项目录中没有行政许可事项"))
        self.sig_loaded.emit(licensing)

    def open(self, code: str) -> None:
        self.context.call(lambda: self.context.api.get(f"/admin/licence-rules/{code}"), on_done=self._opened,
                          on_error=lambda e: self._failed(e, self.sig_opened))

    def _opened(self, rule: dict) -> None:
        self._show(rule)
        self.message.done(self.tr("已读取该事项的证照规则"))
        self.sig_opened.emit(rule)

    def _show(self, rule: dict) -> None:
        self.shown, self.code = rule, rule["item_code"]
        name = self.item_names.get(self.code, "")
        self.title.setText(f"{name}（{self.code}）")
        self.state.setText(self.tr("已设置") if rule["configured"] else
                           self.tr("尚未设置：以下为系统默认规则（事项编码-年份+5位流水号，有效期5年）"))
        self.pattern.setText(rule["pattern"])
        self.prefix.setText(rule["prefix"])
        self.validity.setValue(rule["validity_years"])
        self.licence_name.setText(rule["licence_name"])
        self.licence_name.setPlaceholderText(self.tr("留空则为：{0}").format(default_licence_name(name)) if name
                                             else "")
        self._enable(True)
        self.update_preview()

    # -- draft and preview --------------------------------------------------------------------------------
    def draft(self) -> dict:
        return {"pattern": self.pattern.text().strip(), "prefix": self.prefix.text().strip(),
                "validity_years": self.validity.value(), "licence_name": self.licence_name.text().strip(),
                "template": dict((self.shown or {}).get("template") or {})}

    def check(self) -> tuple[str, str]:
        """(the next number under the draft, "") or ("", the rule's refusal in Chinese)."""
        if self.shown is None or self.code is None:
            return "", ""
        d = self.draft()
        try:
            rule = NumberingRule(d["pattern"], d["prefix"], d["validity_years"], d["licence_name"])
            return rule.number(self.code, self.shown["year"], self.shown["next_serial"]), ""
        except LicenceRuleError as exc:
            return "", error_text(exc.code, exc.message)

    def update_preview(self) -> None:
        number, refusal = self.check()
        if refusal:
            self.preview.setStyleSheet("font-size: 15px; color: #b3261e; font-weight: bold;")
            self.preview.setText(refusal)
        elif number and self.shown is not None:
            self.preview.setStyleSheet("font-size: 15px; color: #1b4f8a; font-weight: bold;")
            self.preview.setText(self.tr("{number}　（{year}年第 {serial} 号，有效期 {years} 年）").format(
                number=number, year=self.shown["year"], serial=self.shown["next_serial"],
                years=self.validity.value()))
        else:
            self.preview.setText("")
        self.save_button.setEnabled(bool(number))

    def save(self) -> None:
        if self.code is None:
            return
        code, body = self.code, self.draft()
        self.save_button.setEnabled(False)
        self.context.call(lambda: self.context.api.put(f"/admin/licence-rules/{code}", body), on_done=self._saved,
                          on_error=lambda e: self._failed(e, self.sig_saved))

    def _saved(self, rule: dict) -> None:
        self._show(rule)
        self.message.done(self.tr("已保存。此后该事项制证按新规则编号。"))
        self.sig_saved.emit(rule)

    def _failed(self, error: AdminError, signal) -> None:  # noqa: ANN001
        self.message.refused(error)
        if self.shown is not None:
            self.update_preview()  # the save button back as the draft allows
        signal.emit(error)
