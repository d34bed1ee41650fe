"""Dispenser home: businesses grouped by floor with remaining-quota badges, the three ways in explained, and
the elderly-mode switch. The same screen asks "which business?" once a card or QR code named the person."""

from __future__ import annotations

from gui.qt import QGridLayout, QHBoxLayout, QScrollArea, QVBoxLayout, QWidget, Signal
from kiosk import texts
from kiosk.services.reference import HallDirectory
from kiosk.widgets.business_tile import BusinessTile
from kiosk.widgets.common import Card, button, label
from kiosk.widgets.theme import Theme
from shared.queue.tickets import GreenChannelReason

GREEN_ORDER = tuple(GreenChannelReason)  # the order the rules and the admin page list them


class DispenserHome(QWidget):
    sig_business = Signal(int)
    sig_priority = Signal(int, str)  # business id, GreenChannelReason value
    sig_elderly = Signal()
    sig_back = Signal()
    sig_phone = Signal()

    def __init__(self, directory: HallDirectory, theme: Theme, phone: bool = False) -> None:
        super().__init__()
        self.directory, self.theme = directory, theme
        box = QVBoxLayout(self)
        box.setContentsMargins(theme.px(40), theme.px(28), theme.px(40), theme.px(28))
        top = QHBoxLayout()
        self.title = label(self.tr("请选择办理业务"), "title")
        self.elderly = button(self.tr("标准模式") if theme.elderly else self.tr("长者模式"), "secondary")
        self.elderly.setMinimumWidth(theme.px(220))
        self.elderly.clicked.connect(self.sig_elderly)
        # 手机号取号: a ticket with an SMS before the call (only where this dispenser can seal the number)
        self.phone = button(self.tr("手机号取号"), "secondary")
        self.phone.setMinimumWidth(theme.px(240))
        self.phone.clicked.connect(self.sig_phone)
        self.phone_offered = phone
        self.phone.setVisible(phone)
        top.addWidget(self.title, 1)
        top.addWidget(self.phone)
        top.addWidget(self.elderly)
        box.addLayout(top)
        self.hint = label(self.tr("点击业务取号；已预约或老年人请刷身份证；也可扫描粤省事码"), "hint")
        box.addWidget(self.hint)
        self.back = button(self.tr("返回首页"), "secondary")
        self.back.clicked.connect(self.sig_back)
        self.back.hide()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        # Scoped selectors: a bare "background: transparent" would cascade into every tile, badge and the
        # scroll bar, re-polishing them with a style sheet that changes how they are measured.
        scroll.setStyleSheet("QScrollArea { background: transparent; }")
        inner = QWidget()
        inner.setObjectName("tiles")
        inner.setStyleSheet("QWidget#tiles { background: transparent; }")
        self.grid_box = QVBoxLayout(inner)
        self.grid_box.setContentsMargins(0, 0, 0, 0)
        self.tiles: dict[int, BusinessTile] = {}
        for floor, entries in directory.by_floor():
            self.grid_box.addWidget(label(floor, "floor"))
            grid = QGridLayout()
            grid.setSpacing(theme.px(18))
            columns = theme.columns  # from the mode and the screen's orientation
            for i, e in enumerate(entries):
                offered = [(r.value, texts.priority_text(r.value)) for r in GREEN_ORDER
                           if r in directory.rules.green_reasons_for(e.business.id)]
                tile = BusinessTile(e.business.id, e.business.prefix, e.business.name, e.department, theme,
                                    offered)
                tile.clicked.connect(lambda _=False, b=e.business.id: self.sig_business.emit(b))
                tile.sig_priority.connect(lambda reason, b=e.business.id: self.sig_priority.emit(b, reason))
                self.tiles[e.business.id] = tile
                grid.addWidget(tile, i // columns, i % columns)
            self.grid_box.addLayout(grid)
        self.grid_box.addStretch(1)
        scroll.setWidget(inner)
        box.addWidget(scroll, 1)
        box.addWidget(self.back)
        self.ways = self._ways(theme)
        box.addWidget(self.ways)
        self.ways_shown = not theme.elderly  # elderly mode: fewer things on screen
        self.ways.setVisible(self.ways_shown)

    def _ways(self, theme: Theme) -> QWidget:
        """The three ways in, as a strip at the bottom where standing citizens look first."""
        strip = QWidget()
        row = QHBoxLayout(strip)
        row.setContentsMargins(0, theme.px(12), 0, 0)
        row.setSpacing(theme.px(18))
        for icon, head, body in (("☝", self.tr("点击取号"), self.tr("选择上方业务")),
                                 ("▭", self.tr("刷身份证"), self.tr("预约自动签到 · 长者优先")),
                                 ("▦", self.tr("扫码取号"), self.tr("出示粤省事码"))):
            card = Card(theme.px(16))
            card.box.setContentsMargins(theme.px(20), theme.px(16), theme.px(20), theme.px(16))
            glyph = f"<span style='font-size:{theme.px(44)}px;color:{theme.accent}'>{icon}</span>"
            title = f"&nbsp;<b style='font-size:{theme.px(30)}px'>{head}</b>"
            card.box.addWidget(label(glyph + title, wrap=False))
            card.box.addWidget(label(body, "hint"))
            row.addWidget(card)
        return strip

    def show_remaining(self, remaining: dict) -> None:  # business id → shared.queue Remaining
        for business_id, tile in self.tiles.items():
            left = remaining.get(business_id)
            tile.set_remaining(None if left is None else left.count)

    def ask_for_person(self, who: str, note: str) -> None:
        """A person is identified: same grid, with who it is and any note (e.g. a late appointment)."""
        self.title.setText(self.tr("{who}，请选择办理业务").format(who=who))
        self.hint.setText(note or self.tr("请点击要办理的业务"))
        self.back.show()
        self.ways.hide()
        self.phone.hide()

    def reset(self) -> None:
        self.title.setText(self.tr("请选择办理业务"))
        self.hint.setText(self.tr("点击业务取号；已预约或老年人请刷身份证；也可扫描粤省事码"))
        self.back.hide()
        self.ways.setVisible(self.ways_shown)
        self.phone.setVisible(self.phone_offered)
