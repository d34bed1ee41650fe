"""The hall display (drawn for 1920×1080, sized to any screen by `set_fit`): the newest call large and
flashing, the current ticket at every window, recent calls, people waiting per business, and the scrolling
notice. A view only: it shows what it is given."""

from __future__ import annotations

from gui.qt import QGridLayout, QHBoxLayout, QLabel, QSizePolicy, QTimer, QVBoxLayout, QWidget, Qt
from kiosk.flow.display import Call
from kiosk.widgets.common import label
from kiosk.widgets.marquee import Marquee

CENTER = Qt.AlignmentFlag.AlignCenter
PANEL = "background: #12233d; border-radius: 18px;"


def _panel() -> tuple[QWidget, QVBoxLayout]:
    w = QWidget()
    w.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
    w.setStyleSheet(PANEL)
    box = QVBoxLayout(w)
    box.setContentsMargins(24, 18, 24, 18)
    return w, box


def _text(text: str, px: int, colour: str = "white", bold: bool = False,  # noqa: ANN001
          align=Qt.AlignmentFlag.AlignLeft) -> QLabel:
    lab = QLabel(text)
    lab.setAlignment(align | Qt.AlignmentFlag.AlignVCenter)
    _paint(lab, px, colour, bold)
    return lab


def _paint(lab: QLabel, px: int, colour: str, bold: bool, fit: float | None = None) -> None:
    """Style a label at `px` design pixels; the size and colour are kept on the label so `set_fit` can
    re-size it for another screen."""
    lab.setProperty("design", (px, colour, bold))
    fit = fit if fit is not None else (lab.property("fit") or 1.0)
    weight = "font-weight: bold;" if bold else ""
    lab.setStyleSheet(f"color: {colour}; font-size: {max(1, int(px * fit))}px; {weight} background: transparent;")


def _refit(root: QWidget, fit: float) -> None:
    for lab in root.findChildren(QLabel):
        design = lab.property("design")
        if design is not None:
            lab.setProperty("fit", fit)
            _paint(lab, *design, fit=fit)


class WindowCell(QWidget):
    def __init__(self, number: int) -> None:
        super().__init__()
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet("background: #1c3357; border-radius: 12px;")
        box = QVBoxLayout(self)
        box.setContentsMargins(8, 8, 8, 8)
        box.addWidget(_text(self.tr("{n} 号窗口").format(n=number), 26, "#9fb7d9", align=CENTER))
        self.ticket = _text("—", 54, "#ffffff", True, CENTER)
        box.addWidget(self.ticket)

    def show_ticket(self, text: str, paused: bool, newest: bool) -> None:
        self.ticket.setText(self.tr("暂停服务") if paused and text == "—" else text)
        colour = "#ffd54f" if newest else "#ffffff"
        # A device-suffixed fallback number ("A-1F2E3D-001") is smaller so every window keeps the same width.
        size = 28 if len(text) > 5 else 36 if paused and text == "—" else 54
        _paint(self.ticket, size, colour, True)


class DisplayBoard(QWidget):
    def __init__(self, window_numbers: list[int], notice: str) -> None:
        super().__init__()
        self.setStyleSheet("background: #0a1628;")
        box = QVBoxLayout(self)
        box.setContentsMargins(24, 16, 24, 0)
        body = QHBoxLayout()
        left = QVBoxLayout()
        hero, hero_box = _panel()
        self.hero_title = _text(self.tr("正在呼叫"), 36, "#9fb7d9")
        self.hero = _text(self.tr("请留意叫号"), 96, "#ffd54f", True, CENTER)
        self.hero.setWordWrap(True)  # a fallback number ("A-1F2E3D-001") makes a long call
        hero_box.addWidget(self.hero_title)
        hero_box.addWidget(self.hero, 1)
        hero.setMinimumHeight(210)
        left.addWidget(hero)
        grid_panel, grid_box = _panel()
        grid = QGridLayout()
        grid.setSpacing(14)
        self.cells: dict[int, WindowCell] = {}
        for i, n in enumerate(sorted(window_numbers)):
            self.cells[n] = WindowCell(n)
            # equal columns whatever each window shows: the cell never widens for a longer text
            self.cells[n].setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            grid.addWidget(self.cells[n], i // 5, i % 5)
        for column in range(min(5, len(window_numbers))):
            grid.setColumnStretch(column, 1)
        grid_box.addLayout(grid)
        left.addWidget(grid_panel, 1)
        right = QVBoxLayout()
        recent_panel, recent_box = _panel()
        recent_box.addWidget(_text(self.tr("最近呼叫"), 32, "#9fb7d9", True))
        self.recent = [_text("", 32) for _ in range(6)]
        for r in self.recent:
            recent_box.addWidget(r)
        recent_box.addStretch(1)
        waiting_panel, waiting_box = _panel()
        waiting_box.addWidget(_text(self.tr("各业务等候人数"), 32, "#9fb7d9", True))
        self.waiting = QVBoxLayout()
        self._waiting_rows: list[tuple[QLabel, QLabel]] = []
        waiting_box.addLayout(self.waiting)
        waiting_box.addStretch(1)
        right.addWidget(recent_panel, 1)
        right.addWidget(waiting_panel, 1)
        # The columns keep their 13:7 share whatever the texts ask for (a long call must not squeeze the
        # windows' grid); the texts are sized to fit their column instead.
        for lab in [*self.recent, *recent_panel.findChildren(QLabel), *waiting_panel.findChildren(QLabel)]:
            lab.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        body.addLayout(left, 13)
        body.addSpacing(20)
        body.addLayout(right, 7)
        box.addLayout(body, 1)
        box.addSpacing(16)
        self.marquee = Marquee(notice, font_px=30)
        box.addWidget(self.marquee)
        self.fit = 1.0
        self.hero_panel, self.grid, self.body, self.outer = hero, grid, body, box
        self.panels = (hero_box, grid_box, recent_box, waiting_box)
        self._flash_on = True
        self.flash = QTimer(self, interval=500, timeout=self._blink)
        self.flash_left = 0

    def set_fit(self, fit: float) -> None:
        """Every size times `fit` (1.0 on the 1920×1080 screen the board is drawn for, 2.0 on a 4K one)."""
        self.fit = fit
        _refit(self, fit)
        px = lambda n: max(1, int(n * fit))  # noqa: E731
        for box in self.panels:
            box.setContentsMargins(px(24), px(18), px(24), px(18))
        self.outer.setContentsMargins(px(24), px(16), px(24), 0)
        self.grid.setSpacing(px(14))
        self.hero_panel.setMinimumHeight(px(210))
        for _, count in self._waiting_rows:
            count.setFixedWidth(px(110))
        self.marquee.set_font_px(px(30))

    def show_calls(self, current: dict[int, Call], paused: set[int], recent: list[Call],
                   newest: Call | None) -> None:
        for n, cell in self.cells.items():
            call = current.get(n)
            cell.show_ticket(call.display if call else "—", n in paused,
                             newest is not None and call == newest)
        for lab, call in zip(self.recent, recent + [None] * len(self.recent)):
            lab.setText(self.tr("{t}  →  {w} 号窗口").format(t=call.display,
                                                          w=call.window_number) if call else "")

    def show_newest(self, call: Call) -> None:
        self.hero.setText(self.tr("请 {t} 号到 {w} 号窗口").format(t=call.display, w=call.window_number))
        self.flash_left = 10  # five seconds of blinking, then steady
        self.flash.start()

    def _blink(self) -> None:
        self.flash_left -= 1
        self._flash_on = not self._flash_on if self.flash_left > 0 else True
        colour = "#ffd54f" if self._flash_on else "#5c4a12"
        _paint(self.hero, 96, colour, True)
        if self.flash_left <= 0:
            self.flash.stop()

    def show_waiting(self, rows: list[tuple[str, str, int]]) -> None:
        """Rows are built once (the businesses rarely change) and then only their texts are updated."""
        if len(self._waiting_rows) != len(rows):
            while self.waiting.count():
                item = self.waiting.takeAt(0)
                if item.widget():
                    item.widget().deleteLater()
            self._waiting_rows = []
            for _ in rows:
                row = QWidget()
                line = QHBoxLayout(row)
                line.setContentsMargins(0, 2, 0, 2)
                name, count = _text("", 28), _text("", 30, "#ffd54f", True, Qt.AlignmentFlag.AlignRight)
                count.setFixedWidth(int(110 * self.fit))
                name.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
                line.addWidget(name)
                line.addWidget(count)
                _refit(row, self.fit)
                self.waiting.addWidget(row)
                row.show()
                self._waiting_rows.append((name, count))
        for (name, count), (prefix, business, n) in zip(self._waiting_rows, rows):
            name.setText(f"{prefix}  {business}")
            count.setText(self.tr("{n} 人").format(n=n))
