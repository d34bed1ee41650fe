"""Scrolling notice text (滚动公告) along the bottom of the hall display."""

from __future__ import annotations

from gui.qt import QColor, QPainter, QTimer, QWidget, Qt


class Marquee(QWidget):
    def __init__(self, text: str = "", font_px: int = 34, step_px: int = 3, interval_ms: int = 30) -> None:
        super().__init__()
        self.text, self.step = text, step_px
        self.offset = 0
        self.set_font_px(font_px)
        self.timer = QTimer(self, interval=interval_ms, timeout=self.advance)
        self.timer.start()

    def set_font_px(self, font_px: int) -> None:
        font = self.font()
        font.setPixelSize(font_px)
        self.setFont(font)
        self.setFixedHeight(int(font_px * 1.9))

    def set_text(self, text: str) -> None:
        self.text, self.offset = text, 0
        self.update()

    def advance(self) -> None:
        width = self.fontMetrics().horizontalAdvance(self.text) + self.width()
        self.offset = (self.offset + self.step) % max(width, 1)
        self.update()

    def paintEvent(self, event) -> None:  # noqa: ANN001, N802 (Qt name)
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#0b3573"))
        painter.setPen(QColor("#ffd54f"))
        x = self.width() - self.offset
        painter.drawText(x, 0, self.fontMetrics().horizontalAdvance(self.text) + 10, self.height(),
                         int(Qt.AlignmentFlag.AlignVCenter), self.text)
        painter.end()
