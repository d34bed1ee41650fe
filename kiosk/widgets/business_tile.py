"""A business as a large touch tile: prefix letter, name, department, and a remaining-quota badge."""

from __future__ import annotations

from gui.qt import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, Qt
from kiosk.widgets.theme import GREEN, RED, Theme


class BusinessTile(QPushButton):
    def __init__(self, business_id: int, prefix: str, name: str, department: str, theme: Theme) -> None:
        super().__init__()
        self.setObjectName("business")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.business_id = business_id
        row = QHBoxLayout(self)
        row.setContentsMargins(24, 16, 24, 16)
        letter = QLabel(prefix)
        letter.setFixedWidth(theme.px(84))
        letter.setAlignment(Qt.AlignmentFlag.AlignCenter)
        letter.setStyleSheet(f"background: {theme.accent}; color: white; border-radius: 12px;"
                             f"font-size: {theme.px(48)}px; font-weight: bold;")
        texts = QVBoxLayout()
        self.name = QLabel(name)
        self.name.setWordWrap(True)
        self.name.setStyleSheet(f"font-size: {theme.px(34)}px; font-weight: bold; background: transparent;")
        dept = QLabel(department)
        dept.setWordWrap(True)
        dept.setStyleSheet(f"font-size: {theme.px(22)}px; color: #5b6776; background: transparent;")
        texts.addWidget(self.name)
        texts.addWidget(dept)
        self.badge = QLabel()
        self.badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.badge.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        row.addWidget(letter)
        row.addSpacing(16)
        row.addLayout(texts, 1)
        row.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignVCenter)
        for text in (self.name, dept):  # the badge keeps its width; long names wrap instead
            text.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        for child in (letter, self.name, dept, self.badge):
            child.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self.theme = theme
        self.set_remaining(None)

    def set_remaining(self, count: int | None) -> None:
        """None: unlimited. Zero: "今日已满" and the tile cannot be tapped."""
        px = self.theme.px(26)
        if count is None:
            text, colour = self.tr("不限号"), GREEN
        elif count == 0:
            text, colour = self.tr("今日已满"), RED
        else:
            text, colour = self.tr("剩余 {n} 号").format(n=count), GREEN
        self.badge.setText(text)
        # The badge sizes itself from its own style sheet (font and padding), so the layout always reserves
        # exactly what it needs and the name and department wrap around it.
        self.badge.setStyleSheet(f"color: white; background: {colour}; border-radius: {px}px; padding: 0 18px;"
                                 f"font-size: {px}px; font-weight: bold;")
        self.badge.setFixedHeight(px * 2)
        self.setEnabled(count != 0)
