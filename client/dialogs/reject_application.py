"""不予受理: the reason and its legal basis, both required (they are printed on the decision)."""

from __future__ import annotations

from gui.qt import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QPlainTextEdit, QVBoxLayout


class RejectApplicationDialog(QDialog):
    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.setWindowTitle(self.tr("不予受理"))
        self.resize(560, 300)
        self.reason = QPlainTextEdit()
        self.reason.setPlaceholderText(self.tr("例如：申请事项不属于本机关职权范围"))
        self.basis = QLineEdit(self.tr("《中华人民共和国行政许可法》第三十二条"))
        form = QFormLayout()
        form.addRow(self.tr("不予受理理由"), self.reason)
        form.addRow(self.tr("法律依据"), self.basis)
        self.message = QLabel("")
        self.message.setObjectName("error")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("出具不予受理决定"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def _check(self) -> None:
        if not self.reason.toPlainText().strip() or not self.basis.text().strip():
            self.message.setText(self.tr("理由和法律依据均须填写"))
        else:
            self.accept()

    def values(self) -> tuple[str, str]:
        return self.reason.toPlainText().strip(), self.basis.text().strip()
