"""手机号取号: a large touch keypad for the citizen's mobile number (digits, 删除, 清空, 确认), the number shown
grouped as typed (138 1234 5678), and why a number was not taken. The rule is shared.validation.check_mobile,
applied by the flow; this screen only collects digits and shows the answer."""

from __future__ import annotations

from gui.qt import QGridLayout, QHBoxLayout, QSizePolicy, QVBoxLayout, QWidget, Qt, Signal
from kiosk import texts
from kiosk.widgets.common import Card, button, label
from kiosk.widgets.theme import RED, Theme

CENTER = Qt.AlignmentFlag.AlignCenter
MAX_DIGITS = 11


def grouped(digits: str) -> str:
    """138 1234 5678, as a citizen reads a number back."""
    return " ".join(part for part in (digits[:3], digits[3:7], digits[7:]) if part)


class PhoneKeypad(QWidget):
    sig_confirm = Signal(str)
    sig_back = Signal()

    def __init__(self, theme: Theme) -> None:
        super().__init__()
        self.digits = ""
        self.box = box = QVBoxLayout(self)
        self.title = label(self.tr("手机号取号"), "title", align=CENTER)
        self.hint = label(self.tr("请输入您的手机号码，临近叫号时将短信提醒您"), "hint", align=CENTER)
        self.card = card = Card()
        self.number = label("", align=CENTER, wrap=False)
        self.number.setObjectName("phone_number")
        self.error = label("", align=CENTER)
        self.error.setObjectName("phone_error")
        for w in (self.title, self.hint, self.number, self.error):
            w.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        card.box.addWidget(self.number)
        card.box.addWidget(self.error)
        self.grid = QGridLayout()
        self.keys: dict[str, QWidget] = {}
        for i, key in enumerate("123456789"):
            self._key(key, key, i // 3, i % 3)
        self._key("clear", self.tr("清空"), 3, 0, "secondary")
        self._key("0", "0", 3, 1)
        self._key("delete", self.tr("删除"), 3, 2, "secondary")
        self.confirm = button(self.tr("确认"))
        self.confirm.clicked.connect(lambda: self.sig_confirm.emit(self.digits))
        self.back = button(self.tr("返回首页"), "secondary")
        self.back.clicked.connect(self.sig_back)
        box.addWidget(self.title)
        box.addWidget(self.hint)
        box.addWidget(card)
        box.addLayout(self.grid, 1)
        row = QHBoxLayout()
        row.addWidget(self.back)
        row.addWidget(self.confirm, 2)
        box.addLayout(row)
        self.set_theme(theme)
        self.reset()

    def _key(self, name: str, text: str, row: int, column: int, role: str = "primary") -> None:
        key = button(text, role)
        key.setObjectName("phone_key")
        key.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)  # the keys fill the screen
        key.clicked.connect(lambda _=False, k=name: self.press(k))
        self.keys[name] = key
        self.grid.addWidget(key, row, column)

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.box.setContentsMargins(theme.px(80), theme.px(40), theme.px(80), theme.px(40))
        self.box.setSpacing(theme.px(20))
        self.grid.setSpacing(theme.px(20))
        self.number.setStyleSheet(f"font-size: {theme.px(84)}px; font-weight: bold; color: {theme.accent};"
                                  f" min-height: {theme.px(120)}px;")
        self.error.setStyleSheet(f"font-size: {theme.px(32)}px; color: {RED};")
        self.number.setFixedHeight(theme.px(130))  # fixed: the keys below take whatever the screen has left
        self.error.setFixedHeight(theme.px(56))
        margins = self.card.box.contentsMargins()
        self.card.setFixedHeight(theme.px(130) + theme.px(56) + margins.top() + margins.bottom()
                                 + self.card.box.spacing() + 4)
        for key in self.keys.values():
            key.setStyleSheet(f"font-size: {theme.px(56)}px; min-height: {theme.px(150)}px;")
        self.confirm.setStyleSheet(f"QPushButton {{ font-size: {theme.px(44)}px; min-height: {theme.px(130)}px; }}"
                                   "QPushButton:disabled { background: #a9b8cc; }")
        self.back.setStyleSheet(f"min-height: {theme.px(130)}px;")
        self._show()

    # keys ------------------------------------------------------------------------------------------------
    def press(self, key: str) -> None:
        if key == "clear":
            self.digits = ""
        elif key == "delete":
            self.digits = self.digits[:-1]
        elif key.isdigit() and len(self.digits) < MAX_DIGITS:
            self.digits += key
        self.error.setText("")
        self._show()

    def keyPressEvent(self, event) -> None:  # noqa: ANN001, N802  a keyboard works too (staff, tests)
        text = event.text()
        if text.isdigit():
            self.press(text)
        elif event.key() == Qt.Key.Key_Backspace:
            self.press("delete")
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.sig_confirm.emit(self.digits)
        else:
            super().keyPressEvent(event)

    def _show(self) -> None:
        self.number.setText(grouped(self.digits) if self.digits else self.tr("请输入11位手机号码"))
        colour = self.theme.accent if self.digits else "#8a94a3"
        self.number.setStyleSheet(f"font-size: {self.theme.px(84 if self.digits else 48)}px; font-weight: bold;"
                                  f" color: {colour}; min-height: {self.theme.px(120)}px;")
        self.confirm.setEnabled(bool(self.digits))

    def reset(self) -> None:
        self.digits = ""
        self.error.setText("")
        self._show()

    def show_error(self, code: str) -> None:
        """Why the number was not taken (a shared.validation code), under the number; the digits stay to fix."""
        self.error.setText(texts.refusal_text(code) if code else "")
