"""The hidden way in for staff: five taps in the top-left corner within three seconds, then a PIN."""

from __future__ import annotations

import time

from gui.qt import QEvent, QGridLayout, QLabel, QObject, QSizePolicy, QVBoxLayout, QWidget, Qt, Signal
from kiosk.widgets.common import button, label
from kiosk.widgets.theme import NORMAL, Theme, sheet

CORNER = 140       # px from the top-left corner
TAPS, WINDOW = 5, 3.0


class CornerTaps(QObject):
    """Event filter counting presses in the corner; emits sig_triggered on the fifth one inside the window."""

    sig_triggered = Signal()

    def __init__(self, parent: QObject | None = None, clock=time.monotonic) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.clock = clock
        self.taps: list[float] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.MouseButtonPress and isinstance(watched,
                                                                       QWidget) and watched.isWindow():
            pos = event.position()
            if pos.x() <= CORNER and pos.y() <= CORNER:
                self.tap()
        return False

    def tap(self) -> None:
        now = self.clock()
        self.taps = [t for t in self.taps if now - t <= WINDOW] + [now]
        if len(self.taps) >= TAPS:
            self.taps.clear()
            self.sig_triggered.emit()


def _light_page(page: QWidget, theme: Theme = NORMAL) -> None:
    """Staff pages look the same in every mode (the display's own background is dark); compact buttons so
    they fit the 800-px evaluator too."""
    page.setObjectName("adminpage")
    page.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
    page.setStyleSheet(sheet(theme) + "QWidget#adminpage { background: #f3f6fa; }"
                                      f" QPushButton {{ min-height: {theme.px(64)}px; }}")


class PinPad(QWidget):
    sig_entered = Signal(str)
    sig_cancelled = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.box = box = QVBoxLayout(self)
        box.addWidget(label(self.tr("管理员验证"), "title", align=Qt.AlignmentFlag.AlignCenter))
        self.shown = label("", "title", align=Qt.AlignmentFlag.AlignCenter)
        self.error = label("", "hint", align=Qt.AlignmentFlag.AlignCenter)
        box.addWidget(self.shown)
        box.addWidget(self.error)
        grid = QGridLayout()
        grid.setSpacing(10)
        keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "清除", "0", "确定"]
        self.keys = []
        for i, key in enumerate(keys):
            b = button(self.tr(key), "secondary" if key.isdigit() else "primary")
            b.clicked.connect(lambda _=False, k=key: self.press(k))
            grid.addWidget(b, i // 3, i % 3)
            self.keys.append(b)
        box.addLayout(grid)
        back = button(self.tr("返回"), "secondary")
        back.clicked.connect(self.sig_cancelled)
        box.addWidget(back)
        self.digits = ""
        self.restyle(NORMAL)

    def restyle(self, theme: Theme) -> None:
        _light_page(self, theme)
        self.box.setContentsMargins(theme.px(40), theme.px(16), theme.px(40), theme.px(16))
        for key in self.keys:
            key.setMinimumWidth(theme.px(160))

    def press(self, key: str) -> None:
        if key == "清除":
            self.digits = ""
        elif key == "确定":
            entered, self.digits = self.digits, ""
            self.sig_entered.emit(entered)
        elif len(self.digits) < 8:
            self.digits += key
        self.shown.setText("●" * len(self.digits))

    def refuse(self) -> None:
        self.error.setText(self.tr("密码错误，请重试"))


class AdminPanel(QWidget):
    """Settings the staff need on site: which hall, device and server; device status; exit."""

    sig_exit = Signal()
    sig_back = Signal()

    def __init__(self, facts: list[tuple[str, str]]) -> None:
        super().__init__()
        self.box = box = QVBoxLayout(self)
        box.addWidget(label(self.tr("设备设置"), "title"))
        self.facts = QLabel()
        self.facts.setTextFormat(Qt.TextFormat.RichText)
        self.facts.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.facts.setWordWrap(True)
        # long ids (device UUIDs, paths) must not widen a portrait screen
        self.facts.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        box.addWidget(self.facts, 1)
        self.show_facts(facts)
        back = button(self.tr("返回服务界面"))
        back.clicked.connect(self.sig_back)
        self.leave = button(self.tr("退出程序"), "danger")
        self.leave.clicked.connect(self.sig_exit)
        box.addWidget(back)
        box.addWidget(self.leave)
        self.restyle(NORMAL)

    def restyle(self, theme: Theme) -> None:
        _light_page(self, theme)
        self.box.setContentsMargins(theme.px(40), theme.px(16), theme.px(40), theme.px(16))
        self.facts.setStyleSheet(f"font-size: {theme.px(28)}px; line-height: 150%;")

    def show_facts(self, facts: list[tuple[str, str]]) -> None:
        rows = "".join(f"<tr><td style='padding:8px 24px 8px 0;color:#44505f'>{k}</td><td>{v}</td></tr>"
                       for k, v in facts)
        self.facts.setText(f"<table>{rows}</table>")
