"""Keypad-only login on the login dialog: the staff number's digits, 确认, the PIN, 确认 — typed on the counter's
calling keypad, shown as they arrive (the PIN masked), echoed on the keypad's own display."""

from __future__ import annotations

from dataclasses import dataclass, field

from drivers.keypad.codec import HostReply, KeyEvent, PadKey
from gui.qt import QFormLayout, QFrame, QLabel, QObject, Signal

MAX_DIGITS = 20
MASK = "●"


@dataclass
class KeypadEntry:
    """What has been typed so far. `feed` returns (staff digits, PIN) when the PIN's 确认 completes it."""
    staff: str = ""
    pin: str = ""
    stage: str = "staff"  # then "pin"
    done: list = field(default_factory=list)

    def feed(self, event: KeyEvent) -> tuple[str, str] | None:
        if event.key == PadKey.CLEAR:
            self.reset()
        elif event.key == PadKey.DIGIT and event.digit:
            if self.stage == "staff" and len(self.staff) < MAX_DIGITS:
                self.staff += event.digit
            elif self.stage == "pin" and len(self.pin) < 8:
                self.pin += event.digit
        elif event.key == PadKey.ENTER:
            if self.stage == "staff" and self.staff:
                self.stage = "pin"
            elif self.stage == "pin" and self.pin:
                return self.staff, self.pin
        return None

    def reset(self) -> None:
        self.staff, self.pin, self.stage = "", "", "staff"

    @property
    def lcd(self) -> str:
        """For the keypad's display: the staff number, or the PIN as stars."""
        return self.staff if self.stage == "staff" else "*" * len(self.pin)


class KeypadLoginPanel(QFrame):
    """The keypad part of the login dialog; `sig_submit(staff_digits, pin)` when the PIN is confirmed."""

    sig_submit = Signal(str, str)

    def __init__(self, keypad, parent=None) -> None:  # noqa: ANN001  drivers.qt.devices.KeypadAdapter
        super().__init__(parent)
        self.setObjectName("keypadLogin")
        self.keypad = keypad
        self.entry = KeypadEntry()
        self.hint = QLabel(self.tr("也可在叫号器上登录：输入工号数字，按“确认”；再输入 PIN，按“确认”"))
        self.hint.setWordWrap(True)
        self.staff = QLabel("")
        self.staff.setObjectName("keypadStaff")
        self.pin = QLabel("")
        self.pin.setObjectName("keypadPin")
        form = QFormLayout(self)
        form.addRow(self.hint)
        form.addRow(self.tr("工号"), self.staff)
        form.addRow(self.tr("PIN"), self.pin)
        self.setStyleSheet("#keypadLogin { border: 1px solid #c9d3e0; border-radius: 4px; }")
        keypad.sig_key.connect(self.on_key)
        self._show()

    def detach(self) -> None:
        """Stop listening (after login the keypad belongs to the calling panel)."""
        try:
            self.keypad.sig_key.disconnect(self.on_key)
        except (RuntimeError, TypeError):
            pass

    def clear(self) -> None:
        self.entry.reset()
        self._show()

    def on_key(self, event: KeyEvent) -> None:
        complete = self.entry.feed(event)
        self._show()
        self.keypad.reply(event, HostReply(current=self.entry.lcd, beep=True))
        if complete:
            self.sig_submit.emit(*complete)

    def _show(self) -> None:
        e = self.entry
        self.staff.setText(e.staff + ("▏" if e.stage == "staff" else ""))
        self.pin.setText(MASK * len(e.pin) + ("▏" if e.stage == "pin" else ""))
