"""The login dialog. Signing in runs off the GUI thread; the dialog stays responsive and says what happened.
With a calling keypad configured, the staff member may instead type staff number + PIN on the keypad
(client.windows.keypad_login)."""

from __future__ import annotations

from client.i18n.errors import error_text
from gui.ops import Ops
from gui.qt import QApplication, QDialog, QFormLayout, QLabel, QLineEdit, QPushButton, Qt, QVBoxLayout, Signal
from client.dialogs.change_password import ChangePasswordDialog
from client.services.auth import AuthService, StaffSession
from shared.errors import DomainError


class LoginDialog(QDialog):
    sig_logged_in = Signal(object)  # StaffSession

    def __init__(self, auth: AuthService, ops: Ops, hall_name: str = "", parent=None,  # noqa: ANN001
                 keypad=None) -> None:  # noqa: ANN001  drivers.qt.devices.KeypadAdapter
        super().__init__(parent)
        self.auth, self.ops = auth, ops
        self.session: StaffSession | None = None
        self.change: ChangePasswordDialog | None = None
        self.setWindowTitle(self.tr("GovHall 政务大厅 · 登录"))
        self.setMinimumWidth(420)

        title = QLabel(self.tr("政务服务中心业务系统"))
        title.setObjectName("title")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # 20 pt at the normal 11-pt application font: larger with 大字体 (client.widgets.type_size)
        title.setStyleSheet(f"font-size: {QApplication.font().pointSizeF() * 20 / 11:.1f}pt; font-weight: bold;")
        subtitle = QLabel(hall_name)
        subtitle.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.username = QLineEdit()
        self.username.setPlaceholderText(self.tr("工号或用户名"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("密码"))
        form = QFormLayout()
        form.addRow(self.tr("用户名"), self.username)
        form.addRow(self.tr("密码"), self.password)

        self.submit = QPushButton(self.tr("登录"))
        self.submit.setDefault(True)
        self.submit.clicked.connect(self._submit)
        self.password.returnPressed.connect(self._submit)
        self.message = QLabel("")
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")

        layout = QVBoxLayout(self)
        layout.addSpacing(12)
        layout.addWidget(title)
        layout.addSpacing(6)
        layout.addWidget(subtitle)
        layout.addLayout(form)
        layout.addWidget(self.submit)
        self.keypad_login = None
        if keypad is not None:
            from client.windows.keypad_login import KeypadLoginPanel
            self.keypad_login = KeypadLoginPanel(keypad)
            self.keypad_login.sig_submit.connect(self._submit_pin)
            layout.addWidget(self.keypad_login)
        layout.addWidget(self.message)

    def _submit(self) -> None:
        if not self.submit.isEnabled():
            return
        self._busy(True)
        self.message.setStyleSheet("color: #555;")
        self.message.setText(self.tr("正在登录…"))
        username, password = self.username.text(), self.password.text()
        self.ops.run(lambda: self.auth.login(username, password), on_done=self._done, on_error=self._failed)

    def _submit_pin(self, staff_digits: str, pin: str) -> None:
        if not self.submit.isEnabled():
            return
        self._busy(True)
        self.message.setStyleSheet("color: #555;")
        self.message.setText(self.tr("正在登录…"))
        self.ops.run(lambda: self.auth.login_pin(staff_digits, pin), on_done=self._done, on_error=self._failed)

    def _done(self, session: StaffSession) -> None:
        self._busy(False)
        if session.must_change_password:
            self.change = ChangePasswordDialog(self.auth, self.ops, session, forced=True, parent=self)
            self.change.sig_changed.connect(self._signed_in)
            self.change.rejected.connect(self._change_refused)
            self.change.open()
            return
        self._signed_in(session)

    def _signed_in(self, session: StaffSession) -> None:
        if self.keypad_login is not None:
            self.keypad_login.detach()
        self.session = session
        self.sig_logged_in.emit(session)
        self.accept()

    def _change_refused(self) -> None:
        self.password.clear()
        self.password.setFocus()
        self.message.setStyleSheet("color: #b00020;")
        self.message.setText(self.tr("必须修改密码后才能使用本系统"))

    def _failed(self, error: Exception) -> None:
        self._busy(False)
        self.password.clear()
        self.password.setFocus()
        if self.keypad_login is not None:
            self.keypad_login.clear()
        self.message.setStyleSheet("color: #b00020;")
        if isinstance(error, DomainError):
            self.message.setText(error_text(error.code, error.message))
        else:
            self.message.setText(self.tr("登录失败：{0}").format(type(error).__name__))
        # A top-level window does not grow for a label's wrapped lines by itself: without this, a two-line
        # message squeezes the fields above it.
        self.adjustSize()

    def _busy(self, busy: bool) -> None:
        for widget in (self.username, self.password, self.submit):
            widget.setEnabled(not busy)
