"""What this step allows (shared.approval.available_actions for the user's roles), an opinion box, and the
few extra fields the chosen action needs. Emits the built command; the workspace runs it."""

from __future__ import annotations

from functools import partial

from client.i18n.labels import action_text
from gui.qt import (QComboBox, QFormLayout, QGridLayout, QGroupBox, QLabel, QLineEdit, QPlainTextEdit,
                       QPushButton, QSpinBox, QVBoxLayout, QWidget, Signal)
from client.services.case_actions import FIELDS, FROM_OPINION, return_targets
from client.services.cases import CaseDetail
from client.widgets.style import mark
from shared.approval.available import Available
from shared.approval.definition import SPECIAL_PROCEDURE_CATEGORIES
from shared.approval.lifecycle import Action

LABELS = {"target": "退回到", "category": "特别程序类别", "expected_days": "所需工作日", "reason": "理由",
          "days": "延长工作日", "legal_basis": "法律依据", "licence_no": "证照编号", "method": "送达方式",
          "receiver_name": "领取人", "receiver_id": "领取人身份证", "tracking_no": "邮寄单号",
          "reply_within_days": "回复期限（工作日）", "materials": "收到的补正材料（逗号分隔）", "result": "结果",
          "message": "内容", "reply": "回复"}
PRIMARY = {Action.PASS_STEP, Action.GRANT, Action.ACCEPT, Action.CLOSE, Action.DELIVER, Action.MAKE_LICENCE,
           Action.ISSUE_LICENCE}
DANGER = {Action.REFUSE, Action.REJECT_APPLICATION, Action.TERMINATE, Action.RETURN_TO_STEP}


class ActionBox(QGroupBox):
    sig_act = Signal(object, str, str, dict)  # Available, role, opinion, fields

    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.setTitle(self.tr("办理"))
        self.detail: CaseDetail | None = None
        self.opinion = QPlainTextEdit()
        self.opinion.setPlaceholderText(self.tr("办理意见（随办件流转，后续环节可见）"))
        self.opinion.setMaximumHeight(72)  # three lines; the box must fit a 768-line screen
        self.fields_box = QWidget()
        self.form = QFormLayout(self.fields_box)
        self.inputs: dict[str, QWidget] = {}
        self.chosen: tuple[Available, str] | None = None
        self.buttons = QGridLayout()
        self.confirm = mark(QPushButton(self.tr("确认办理")))
        self.confirm.clicked.connect(self._confirm)
        self.confirm.hide()
        self.none = QLabel(self.tr("该办件当前没有您可办理的操作"))
        self.none.setObjectName("muted")
        layout = QVBoxLayout(self)
        layout.addWidget(self.opinion)
        layout.addLayout(self.buttons)
        layout.addWidget(self.fields_box)
        layout.addWidget(self.confirm)
        layout.addWidget(self.none)

    def show_detail(self, detail: CaseDetail) -> None:
        self.detail = detail
        self.chosen = None
        self._clear_fields()
        while self.buttons.count():
            old = self.buttons.takeAt(0).widget()
            old.setObjectName("")  # the previous version's buttons are out of reach at once
            old.setEnabled(False)
            old.hide()
            old.deleteLater()
        seen = set()
        for i, (available, role) in enumerate(a for a in detail.actions if (a[0].action, a[0].step) not in seen
                                               and not seen.add((a[0].action, a[0].step))):
            label = action_text(available.action.value)
            button = QPushButton(label)
            button.setObjectName(f"action_{available.action.value}")
            if available.action in PRIMARY:
                mark(button)
            elif available.action in DANGER:
                mark(button, "danger")
            button.clicked.connect(partial(self.choose, available, role))
            self.buttons.addWidget(button, i // 4, i % 4)
        self.none.setVisible(not detail.actions)
        self.opinion.setEnabled(bool(detail.actions))

    def choose(self, available: Available, role: str, *_: object) -> None:
        """An action without extra fields is taken at once; otherwise its fields are asked first."""
        self.chosen = (available, role)
        names = [n for n in FIELDS.get(available.action, ()) if n not in FROM_OPINION or n == "reason"]
        if not names:
            self.sig_act.emit(available, role, self.opinion.toPlainText(), {})
            return
        self._clear_fields()
        for name in names:
            widget = self._input(name, available)
            self.inputs[name] = widget
            self.form.addRow(self.tr(LABELS.get(name, name)), widget)
        self.confirm.setText(self.tr("确认{0}").format(action_text(available.action.value)))
        self.confirm.show()

    def _input(self, name: str, available: Available) -> QWidget:
        if name == "target" and self.detail:
            box = QComboBox()
            for step in return_targets(self.detail, available.step):
                box.addItem(self.detail.definition.step(step).display_name, step)
            return box
        if name == "category":
            box = QComboBox()
            for code, text in SPECIAL_PROCEDURE_CATEGORIES.items():
                box.addItem(text, code)
            return box
        if name == "method":
            box = QComboBox()
            box.addItem(self.tr("窗口领取"), "counter")
            box.addItem(self.tr("邮寄"), "post")
            return box
        if name in ("expected_days", "days", "reply_within_days"):
            spin = QSpinBox()
            spin.setRange(1, 60)
            spin.setValue(2 if name == "reply_within_days" else 10)
            return spin
        line = QLineEdit()
        if name == "licence_no":  # empty = the next number of the item's rule (shared.approval.outcome)
            line.setPlaceholderText(self.tr("留空则按事项的编号规则生成"))
        if name == "legal_basis":
            line.setText(self.tr("《中华人民共和国行政许可法》"))
        return line

    def values(self) -> dict[str, str]:
        out = {}
        for name, w in self.inputs.items():
            out[name] = (str(w.currentData()) if isinstance(w, QComboBox) else str(w.value())
                         if isinstance(w, QSpinBox) else w.text())
        return out

    def _confirm(self) -> None:
        if self.chosen:
            available, role = self.chosen
            self.sig_act.emit(available, role, self.opinion.toPlainText(), self.values())

    def _clear_fields(self) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self.inputs = {}
        self.confirm.hide()

    def done(self) -> None:
        self.opinion.clear()
        self._clear_fields()
