"""The form of one step of the loop for the selected record: the actions this user may take now, and the
fields each needs (回访: contact and findings; 整改: rectified or explained, what was done; 反馈: what the
citizen was told; 申诉: why the rating is mistaken; 复核: uphold or void, why)."""

from __future__ import annotations

from client.i18n.rating_labels import ACTIONS, DECISIONS, KINDS, label
from client.widgets.style import mark
from gui.qt import (QComboBox, QFormLayout, QGroupBox, QLabel, QLineEdit, QPlainTextEdit, QPushButton,
                    QVBoxLayout, Signal)
from shared.rating.rectification import DECISIONS as DECISION_CODES
from shared.rating.rectification import RECTIFY_KINDS


class ActionForm(QGroupBox):
    sig_submit = Signal(str, str, dict)  # record id, action, fields

    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.setTitle(self.tr("办理"))
        self.record_id: str | None = None
        self.action = QComboBox()
        self.action.currentIndexChanged.connect(lambda _: self._show_fields())
        self.contact = QLineEdit()
        self.contact.setPlaceholderText(self.tr("如：11月24日电话联系评价人，已接通"))
        self.kind = QComboBox()
        for code in RECTIFY_KINDS:
            self.kind.addItem(label(KINDS, code), code)
        self.decision = QComboBox()
        for code in DECISION_CODES:
            self.decision.addItem(label(DECISIONS, code), code)
        self.text = QPlainTextEdit()
        self.text.setMinimumHeight(90)
        self.text_label = QLabel()
        self.form = QFormLayout()
        self.form.addRow(self.tr("办理事项"), self.action)
        self.form.addRow(self.tr("联系情况"), self.contact)
        self.form.addRow(self.tr("处理方式"), self.kind)
        self.form.addRow(self.tr("复核结论"), self.decision)
        self.form.addRow(self.text_label, self.text)
        self.note = QLabel("")
        self.note.setObjectName("muted")
        self.note.setWordWrap(True)
        self.submit = mark(QPushButton(self.tr("提交")))
        self.submit.clicked.connect(self._submit)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.note)
        layout.addWidget(self.submit)
        self.show_actions(None, ())

    def show_actions(self, record_id: str | None, actions: tuple[str, ...]) -> None:
        self.record_id = record_id
        self.action.blockSignals(True)
        self.action.clear()
        for code in actions:
            self.action.addItem(label(ACTIONS, code), code)
        self.action.blockSignals(False)
        self.contact.clear()
        self.text.clear()
        enabled = bool(actions)
        for widget in (self.action, self.contact, self.kind, self.decision, self.text, self.submit):
            widget.setEnabled(enabled)
        self.note.setText("" if enabled else self.tr("当前没有您可以办理的事项。"))
        self._show_fields()

    def _show_fields(self) -> None:
        action = self.action.currentData()
        self.form.setRowVisible(self.contact, action == "verify")
        self.form.setRowVisible(self.kind, action == "rectify")
        self.form.setRowVisible(self.decision, action == "review")
        texts = {"verify": self.tr("核实情况"), "rectify": self.tr("整改措施或说明"), "feedback": self.tr("反馈内容"),
                 "appeal": self.tr("申诉理由"), "review": self.tr("复核意见")}
        self.text_label.setText(texts.get(action, self.tr("内容")))

    def fields(self) -> dict:
        action, text = self.action.currentData(), self.text.toPlainText().strip()
        if action == "verify":
            return {"contact": self.contact.text().strip(), "findings": text}
        if action == "rectify":
            return {"kind": self.kind.currentData(), "text": text}
        if action == "review":
            return {"decision": self.decision.currentData(), "reason": text}
        return {"reason": text} if action == "appeal" else {"text": text}

    def _submit(self) -> None:
        if self.record_id is None or self.action.currentData() is None:
            return
        self.sig_submit.emit(self.record_id, self.action.currentData(), self.fields())
