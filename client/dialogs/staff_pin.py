"""设置 PIN: the signed-in staff member sets the PIN for keypad-only login (the password asked again). Set on
the server (online only); the workstation keeps an offline verifier of it, like the password's."""

from __future__ import annotations

from client.i18n.errors import error_text
from client.services.auth import AuthService, StaffSession
from gui.ops import Ops
from gui.qt import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout
from shared.errors import DomainError
from shared.pins import keypad_number


class SetPinDialog(QDialog):
    def __init__(self, auth: AuthService, session: StaffSession, ops: Ops, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.auth, self.session, self.ops = auth, session, ops
        self.setWindowTitle(self.tr("设置叫号器登录 PIN"))
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.pin = QLineEdit(echoMode=QLineEdit.EchoMode.Password, maxLength=8)
        self.again = QLineEdit(echoMode=QLineEdit.EchoMode.Password, maxLength=8)
        form = QFormLayout()
        form.addRow(self.tr("当前密码"), self.password)
        form.addRow(self.tr("新 PIN（4–8 位数字）"), self.pin)
        form.addRow(self.tr("再输入一次"), self.again)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("设置"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        self.hint = QLabel(self.tr("在叫号器上登录时输入工号数字 {0}，再输入 PIN。").format(
            keypad_number(session.staff_no)))
        layout.addWidget(self.hint)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def _submit(self) -> None:
        if self.pin.text() != self.again.text():
            self.message.setText(self.tr("两次输入的 PIN 不一致"))
            return
        self.buttons.setEnabled(False)
        password, pin = self.password.text(), self.pin.text()
        self.ops.run(lambda: self.auth.set_pin(self.session, password, pin), on_done=self._done,
                     on_error=self._failed)

    def _done(self, _result: object) -> None:
        self.buttons.setEnabled(True)
        self.accept()

    def _failed(self, error: Exception) -> None:
        self.buttons.setEnabled(True)
        text = error_text(error.code, error.message) if isinstance(error, DomainError) else type(error).__name__
        self.message.setText(text)
