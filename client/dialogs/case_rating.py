"""一事一评 at the counter: the citizen picks one of five levels for the finished case (on the counter's screen
turned to them, or the clerk enters the paper form's answer); a 差评 asks for the reason first. The rating is
queued off the GUI thread; a refusal (already rated, not 办结) is shown in the dialog and nothing is lost."""

from __future__ import annotations

from collections.abc import Callable

from gui.ops import Ops
from gui.qt import (QButtonGroup, QComboBox, QDialog, QDialogButtonBox, QGridLayout, QLabel, QPushButton,
                    QVBoxLayout, Signal)
from client.i18n.rating_labels import LEVELS, label, refusal
from shared.errors import DomainError
from shared.rating.case_rating import BAD


class CaseRatingDialog(QDialog):
    sig_rated = Signal(dict)  # the queued case_rating row

    def __init__(self, case_number: str, rate: Callable[[str, str], dict], ops: Ops,
                 parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.rate, self.ops = rate, ops
        self.setWindowTitle(self.tr("办件评价（一事一评）"))
        self.setMinimumWidth(560)
        title = QLabel(self.tr("办件 {0} 已办结，请您对本次办事进行评价").format(case_number))
        title.setWordWrap(True)
        title.setObjectName("title")
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        grid = QGridLayout()
        self.level_buttons: dict[str, QPushButton] = {}
        for n, code in enumerate(LEVELS):
            button = QPushButton(label(LEVELS, code))
            button.setCheckable(True)
            button.setMinimumHeight(48)
            self.group.addButton(button)
            self.level_buttons[code] = button
            grid.addWidget(button, n // 3, n % 3)
            button.toggled.connect(lambda on, c=code: on and self._picked(c))
        self.reason_label = QLabel(self.tr("不满意的原因（必填）"))
        self.reason = QComboBox()
        self.reason.setEditable(True)
        self.reason.addItems(["", self.tr("办理时间过长"), self.tr("一次告知不清楚"), self.tr("材料要求不合理"),
                              self.tr("工作人员态度不好"), self.tr("办事流程繁琐")])
        self.reason.lineEdit().setMaxLength(500)
        self.reason.lineEdit().setPlaceholderText(self.tr("请选择或填写原因"))
        self.message = QLabel("")
        self.message.setObjectName("error")
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.submit = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.submit.setText(self.tr("提交评价"))
        self.submit.setEnabled(False)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(grid)
        layout.addWidget(self.reason_label)
        layout.addWidget(self.reason)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.level: str | None = None
        self._show_reason(False)

    def _show_reason(self, on: bool) -> None:
        self.reason_label.setVisible(on)
        self.reason.setVisible(on)
        self.adjustSize()  # grow (or shrink) with the reason rather than squeeze the level buttons

    def _picked(self, code: str) -> None:
        self.level = code
        self._show_reason(code in BAD)
        self.submit.setEnabled(True)
        self.message.setText("")

    def choose(self, code: str, reason: str = "") -> None:
        """Pick a level (and type a reason) as a citizen's taps would."""
        self.level_buttons[code].setChecked(True)
        self.reason.setEditText(reason)

    def _submit(self) -> None:
        level, reason = self.level, self.reason.currentText().strip() if self.level in BAD else ""
        if level is None:
            return
        if level in BAD and not reason:
            self.message.setText(self.tr("差评需要填写原因"))
            return
        self.submit.setEnabled(False)
        self.ops.write(lambda: self.rate(level, reason), on_done=self._rated, on_error=self._refused)

    def _rated(self, row: dict) -> None:
        self.sig_rated.emit(row)
        self.accept()

    def _refused(self, error: Exception) -> None:
        self.submit.setEnabled(True)
        code = error.code if isinstance(error, DomainError) else ""
        self.message.setText(refusal(code) if code else self.tr("评价未能保存：{0}").format(error))
