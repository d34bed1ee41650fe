"""修改密码: the member's own change. When the server requires it (first login, after a reset, expired) the
dialog cannot be dismissed except by signing out: the workstation does nothing else until it is done. The
policy (shared/password_policy.py) is checked here before sending; the server checks it again."""

from __future__ import annotations

from client.i18n.errors import error_text
from client.services.auth import AuthService, StaffSession
from gui.ops import Ops
from gui.qt import QDialog, QFormLayout, QLabel, QLineEdit, QPushButton, QHBoxLayout, QVBoxLayout, Signal
from shared.errors import DomainError
from shared.password_policy import PasswordPolicy, problems

PROBLEMS = ("password_too_short", "password_too_simple", "password_contains_username", "password_is_demo",
            "password_reused")


class ChangePasswordDialog(QDialog):
    sig_changed = Signal(object)  # the StaffSession, no longer required to change

    def __init__(self, auth: AuthService, ops: Ops, session: StaffSession, *, forced: bool,
                 policy: PasswordPolicy = PasswordPolicy(), parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.auth, self.ops, self.session, self.forced, self.policy = auth, ops, session, forced, policy
        self.setWindowTitle(self.tr("修改密码"))
        self.setMinimumWidth(440)
        intro = QLabel(self.tr("首次登录或密码已重置/过期，必须先修改密码才能继续使用。") if forced
                       else self.tr("请输入当前密码和新密码。"))
        intro.setWordWrap(True)
        self.current, self.new, self.again = QLineEdit(), QLineEdit(), QLineEdit()
        for field in (self.current, self.new, self.again):
            field.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow(self.tr("当前密码"), self.current)
        form.addRow(self.tr("新密码"), self.new)
        form.addRow(self.tr("确认新密码"), self.again)
        rule = QLabel(self.tr("密码至少 {0} 位，包含大写字母、小写字母、数字、符号中的至少 {1} 类，不得与最近 {2} 次相同。")
                      .format(policy.min_length, policy.min_classes, policy.history))
        rule.setWordWrap(True)
        rule.setStyleSheet("color: #555;")
        self.message = QLabel("")
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        self.submit = QPushButton(self.tr("修改密码"))
        self.submit.setDefault(True)
        self.submit.clicked.connect(self._submit)
        self.cancel = QPushButton(self.tr("退出登录") if forced else self.tr("取消"))
        self.cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.submit)
        layout = QVBoxLayout(self)
        for widget in (intro,):
            layout.addWidget(widget)
        layout.addLayout(form)
        layout.addWidget(rule)
        layout.addWidget(self.message)
        layout.addLayout(buttons)

    def _submit(self) -> None:
        new = self.new.text()
        if new != self.again.text():
            return self._say(self.tr("两次输入的新密码不一致"))
        found = problems(new, self.policy, username=self.session.username)
        if found:
            return self._say(self._problem(found[0], {}))
        self.submit.setEnabled(False)
        self.message.setStyleSheet("color: #555;")
        self.message.setText(self.tr("正在修改…"))
        current = self.current.text()
        self.ops.run(lambda: self.auth.change_password(self.session, current, new), on_done=self._done,
                     on_error=self._failed)

    def _done(self, session: StaffSession) -> None:
        self.session = session
        self.sig_changed.emit(session)
        self.accept()

    def _failed(self, error: Exception) -> None:
        self.submit.setEnabled(True)
        if isinstance(error, DomainError):
            text = self._problem(error.code, error.details) if error.code in PROBLEMS else \
                error_text(error.code, error.message)
        else:
            text = self.tr("修改失败：{0}").format(type(error).__name__)
        self._say(text)

    def _problem(self, code: str, details: dict) -> str:
        texts = {"password_too_short": self.tr("新密码太短（至少 {min_length} 位）"),
                 "password_too_simple": self.tr("新密码须包含大写字母、小写字母、数字、符号中的至少 {min_classes} 类"),
                 "password_contains_username": self.tr("新密码不能包含用户名"),
                 "password_is_demo": self.tr("不能使用演示密码"),
                 "password_reused": self.tr("不能使用最近用过的密码")}
        values = {"min_length": details.get("min_length", self.policy.min_length),
                  "min_classes": details.get("min_classes", self.policy.min_classes)}
        return texts[code].format(**values)

    def _say(self, text: str) -> None:
        self.message.setStyleSheet("color: #b00020;")
        self.message.setText(text)
        self.adjustSize()
