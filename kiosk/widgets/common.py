"""Small building blocks: buttons with a role, the header with a clock, the online/offline banner."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from gui.qt import QHBoxLayout, QLabel, QPushButton, QTimer, QVBoxLayout, QWidget, Qt
from kiosk.widgets.theme import AMBER, DEEP, GREEN, RED
from shared.china_time import CHINA_TZ


def button(text: str, role: str = "primary") -> QPushButton:
    b = QPushButton(text)
    b.setProperty("role", role)
    b.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a touch screen has no focus ring to show
    return b


def label(text: str = "", name: str = "", wrap: bool = True,  # noqa: ANN001
          align=Qt.AlignmentFlag.AlignLeft) -> QLabel:
    lab = QLabel(text)
    if name:
        lab.setObjectName(name)
    lab.setWordWrap(wrap)
    lab.setAlignment(align | Qt.AlignmentFlag.AlignVCenter)
    return lab


class Header(QWidget):
    """Hall name and title on the left, date and time on the right (ticking once a second), read from `now`:
    the hall clock the mode's services decide with, so a kiosk on a simulated day shows that day."""

    def __init__(self, hall: str, title: str, height: int = 120, font_px: int = 36,
                 now: Callable[[], dt.datetime] | None = None) -> None:
        super().__init__()
        self.now = now or (lambda: dt.datetime.now(CHINA_TZ))
        self.setObjectName("header")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(f"QWidget#header {{ background: {DEEP}; }} QLabel {{ color: white; }}")
        self.names = hall, title
        self.row = QHBoxLayout(self)
        self.hall = QLabel()
        self.clock = QLabel()
        self.clock.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.row.addWidget(self.hall, 1)
        self.row.addWidget(self.clock)
        self.set_size(height, font_px)
        self._timer = QTimer(self, interval=1000, timeout=self.tick)
        self._timer.start()
        self.tick()

    def set_size(self, height: int, font_px: int) -> None:
        """Type and height follow the screen (the shell calls this when it is resized)."""
        hall, title = self.names
        self.setFixedHeight(height)
        side = max(8, font_px * 8 // 9)
        self.row.setContentsMargins(side, 4, side, 4)
        self.hall.setText(f"<b style='font-size:{font_px}px'>{hall}</b>"
                          f"<span style='font-size:{int(font_px * .7)}px'>&nbsp;&nbsp;{title}</span>")
        self.clock.setStyleSheet(f"font-size: {int(font_px * .75)}px;")

    def tick(self) -> None:
        now = self.now().astimezone(CHINA_TZ)
        week = "一二三四五六日"[now.weekday()]
        self.clock.setText(f"{now.year}年{now.month}月{now.day}日 " + self.tr("星期") + week
                           + now.strftime("  %H:%M:%S"))


class StatusBanner(QLabel):
    """Online/offline from SyncStatus: hidden while all is well, plain words when not."""

    def __init__(self, font_px: int = 26) -> None:
        super().__init__()
        self.font_px, self.colour = font_px, GREEN
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.hide()

    def set_font_px(self, font_px: int) -> None:
        self.font_px = font_px
        if self.text():
            self._paint(self.colour, self.text())

    def show_status(self, status) -> None:  # noqa: ANN001  shared.sync.status.SyncStatus
        if status is not None and status.credential_revoked:
            self._paint(RED, self.tr("本设备已被管理员停用，请联系工作人员"))
            self.show()
            return
        if status is None or (status.online and not status.alarms):
            self._paint(GREEN, self.tr("网络正常"))
            self.hide()
            return
        if not status.online and status.last_success_at is None and status.last_error is None:
            self._paint(AMBER, self.tr("正在连接服务器…"))
        elif status.online:
            self._paint(AMBER, self.tr("号源不足，正在使用备用号码，请联系工作人员"))
        else:
            waiting = self.tr("，{n} 条记录待上传").format(n=status.pending) if status.pending else ""
            self._paint(RED, self.tr("离线运行中：服务照常，网络恢复后自动同步") + waiting)
        self.show()

    def _paint(self, colour: str, text: str) -> None:
        self.colour = colour
        self.setStyleSheet(f"background: {colour}; color: white; font-size: {self.font_px}px; padding: 10px;")
        self.setText(text)


class Card(QWidget):
    """A white rounded panel."""

    def __init__(self, radius: int = 20, background: str = "#ffffff") -> None:
        super().__init__()
        self.setObjectName("card")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(f"QWidget#card {{ background: {background}; border-radius: {radius}px; }}")
        self.box = QVBoxLayout(self)
        self.box.setContentsMargins(32, 28, 32, 28)
