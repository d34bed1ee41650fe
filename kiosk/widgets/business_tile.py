"""A business as a large touch tile: prefix letter, name, department, a remaining-quota badge, and the priority
classes (优先类别) the business offers as buttons of their own: tapping the tile takes a normal ticket, tapping
a class takes a priority ticket of that class (the rule, shared.queue.issuance.priority_of, decides again)."""

from __future__ import annotations

from collections.abc import Sequence

from gui.qt import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, Qt, Signal
from kiosk.widgets.theme import GREEN, RED, Theme


class BusinessTile(QPushButton):
    sig_priority = Signal(str)  # a GreenChannelReason value

    def __init__(self, business_id: int, prefix: str, name: str, department: str, theme: Theme,
                 offered: Sequence[tuple[str, str]] = ()) -> None:
        """`offered`: (reason, text) of each priority class the business offers, in the rules' order."""
        super().__init__()
        self.setObjectName("business")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.business_id = business_id
        whole = QVBoxLayout(self)
        whole.setContentsMargins(theme.px(24), theme.px(16), theme.px(24), theme.px(16))
        whole.setSpacing(theme.px(10))
        row = QHBoxLayout()
        whole.addLayout(row, 1)
        letter = QLabel(prefix)
        letter.setFixedWidth(theme.px(84))
        letter.setAlignment(Qt.AlignmentFlag.AlignCenter)
        letter.setStyleSheet(f"background: {theme.accent}; color: white; border-radius: {theme.px(12)}px;"
                             f"font-size: {theme.px(48)}px; font-weight: bold;")
        # The name has the tile's whole width (long names wrap at most once even with three tiles a row);
        # the department and the remaining-quota badge share the line below it.
        texts = QVBoxLayout()
        texts.setSpacing(theme.px(8))
        self.name = QLabel(name)
        self.name.setWordWrap(True)
        self.name.setStyleSheet(f"font-size: {theme.px(34)}px; font-weight: bold; background: transparent;")
        dept = QLabel(department)
        dept.setWordWrap(True)
        dept.setStyleSheet(f"font-size: {theme.px(22)}px; color: #5b6776; background: transparent;")
        self.badge = QLabel()
        self.badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.badge.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        below = QHBoxLayout()
        below.addWidget(dept, 1)
        below.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignVCenter)
        texts.addWidget(self.name)
        texts.addLayout(below)
        self.priorities: dict[str, QPushButton] = {}
        if offered:  # across the whole tile, under the letter too: four classes fit beside each other
            whole.addLayout(self._priority_row(offered, theme))
            # the chip row needs its own height: a two-line name, the department and the chips must all show
            self.setStyleSheet(f"QPushButton#business {{ min-height: {theme.px(260)}px; }}")
        row.addWidget(letter)
        row.addSpacing(theme.px(16))
        row.addLayout(texts, 1)
        for text in (self.name, dept):  # the badge keeps its width; long names wrap instead
            text.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        for child in (letter, self.name, dept, self.badge):
            child.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self.theme = theme
        self.set_remaining(None)

    def _priority_row(self, offered: Sequence[tuple[str, str]], theme: Theme) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(theme.px(8))
        head = QLabel(self.tr("优先取号"))
        head.setStyleSheet(f"font-size: {theme.px(22)}px; color: {GREEN}; font-weight: bold; background: transparent;")
        head.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        row.addWidget(head)
        for reason, text in offered:
            chip = QPushButton(text)
            chip.setObjectName("priority")
            chip.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            chip.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            chip.setStyleSheet(f"QPushButton#priority {{ font-size: {theme.px(22)}px; min-height: {theme.px(52)}px;"
                               f" padding: 0 {theme.px(8)}px; border-radius: {theme.px(10)}px;"
                               f" background: #ffffff; color: {GREEN}; border: 2px solid {GREEN}; }}"
                               f"QPushButton#priority:disabled {{ color: #7a838f; border-color: #9aa3ad; }}")
            chip.clicked.connect(lambda _=False, r=reason: self.sig_priority.emit(r))
            self.priorities[reason] = chip
            row.addWidget(chip)
        row.addStretch(1)
        return row

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
        self.badge.setStyleSheet(f"color: white; background: {colour}; border-radius: {px}px;"
                                 f" padding: 0 {self.theme.px(18)}px;"
                                 f"font-size: {px}px; font-weight: bold;")
        self.badge.setFixedHeight(px * 2)
        self.setEnabled(count != 0)
