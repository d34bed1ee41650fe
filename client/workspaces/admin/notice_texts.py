"""文书设置's template texts as a form: pick a notice, edit its title, number line, addressee, footer, QR caption
and each paragraph in plain fields — no JSON to write. The form reads and writes the page's template overrides
(the JSON text the server stores, also exported and imported as a file): a field left as the shipped text is no
override; a changed paragraph overrides that notice's block list with only the paragraph's text changed.
Placeholders such as {case_number} are kept as typed; the server checks them on preview and save."""

from __future__ import annotations

import copy
import json

from gui.qt import (QComboBox, QFormLayout, QLabel, QLineEdit, QPlainTextEdit, QScrollArea, QVBoxLayout, QWidget,
                    Signal)
from shared.notices.templates import default_template_dicts

FIELDS = (("title", "标题"), ("number_line", "编号行"), ("addressee", "称谓"), ("footer", "页脚"),
          ("qr_caption", "二维码说明"))


class TemplateTextsForm(QWidget):
    sig_invalid = Signal(str)  # the overrides text is not a JSON object: the form cannot show or change it

    def __init__(self, overrides: QPlainTextEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.overrides = overrides  # the one place the draft's overrides are kept (JSON)
        self.defaults = default_template_dicts()
        self._filling = False
        self.template_box = QComboBox()
        for tid, template in self.defaults.items():
            self.template_box.addItem(template.get("title", tid), tid)
        self.template_box.currentIndexChanged.connect(lambda _: self.show_template())
        self.edits: dict[str, QLineEdit] = {}
        form = QFormLayout()
        form.addRow(self.tr("文书"), self.template_box)
        for key, label in FIELDS:
            edit = QLineEdit()
            edit.textChanged.connect(lambda text, k=key: None if self._filling else self._edited(k, text))
            self.edits[key] = edit
            form.addRow(self.tr(label), edit)
        self.paragraph_rows = QVBoxLayout()
        self.paragraphs: list[QPlainTextEdit] = []
        body = QWidget()
        column = QVBoxLayout(body)
        column.addLayout(form)
        column.addWidget(QLabel(self.tr("正文段落（{花括号} 内为自动填入的内容，请保留）")))
        column.addLayout(self.paragraph_rows)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        overrides.textChanged.connect(lambda: None if self._filling else self.show_template())
        self.show_template()

    def template_id(self) -> str:
        return self.template_box.currentData()

    def _read(self) -> dict | None:
        text = self.overrides.toPlainText().strip()
        try:
            data = json.loads(text) if text else {}
        except json.JSONDecodeError:
            data = None
        if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
            self.sig_invalid.emit(self.tr("模板文字（JSON）有误，请先在JSON页改正"))
            return None
        return data

    def _merged(self, overrides: dict) -> dict:
        tid = self.template_id()
        return {**self.defaults[tid], **copy.deepcopy(overrides.get(tid, {}))}

    def show_template(self) -> None:
        overrides = self._read()
        enabled = overrides is not None
        merged = self._merged(overrides or {})
        self._filling = True
        for key, edit in self.edits.items():
            edit.setEnabled(enabled and isinstance(merged.get(key, ""), str))
            edit.setText(merged.get(key, "") if isinstance(merged.get(key, ""), str) else "")
        texts = [b.get("text", "") for b in merged.get("blocks", []) if b.get("type") == "paragraph"]
        while len(self.paragraphs) < len(texts):
            box = QPlainTextEdit()
            box.setFixedHeight(64)
            index = len(self.paragraphs)
            box.textChanged.connect(lambda i=index: None if self._filling else self._paragraph_edited(i))
            self.paragraphs.append(box)
            self.paragraph_rows.addWidget(box)
        for i, box in enumerate(self.paragraphs):
            box.setVisible(i < len(texts))
            box.setEnabled(enabled)
            box.setPlainText(texts[i] if i < len(texts) else "")
        self._filling = False

    def _write(self, change) -> None:  # noqa: ANN001
        overrides = self._read()
        if overrides is None:
            return
        tid = self.template_id()
        mine = overrides.get(tid, {})
        change(mine, self._merged(overrides))
        # a key equal to the shipped text is no override
        mine = {k: v for k, v in mine.items() if self.defaults[tid].get(k) != v}
        if mine:
            overrides[tid] = mine
        else:
            overrides.pop(tid, None)
        self._filling = True
        self.overrides.setPlainText(json.dumps(overrides, ensure_ascii=False, indent=1) if overrides else "")
        self._filling = False

    def _edited(self, key: str, text: str) -> None:
        self._write(lambda mine, _merged: mine.__setitem__(key, text))

    def _paragraph_edited(self, index: int) -> None:
        text = self.paragraphs[index].toPlainText()

        def change(mine: dict, merged: dict) -> None:
            blocks = copy.deepcopy(merged.get("blocks", []))
            paragraphs = [b for b in blocks if b.get("type") == "paragraph"]
            if index < len(paragraphs):
                paragraphs[index]["text"] = text
                mine["blocks"] = blocks
        self._write(change)
