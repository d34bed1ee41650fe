"""Evaluator screens (1280×800 tablet): the clerk card, five large rating buttons, the 差评 reasons, thanks."""

from __future__ import annotations

from gui.qt import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget, Qt, Signal
from kiosk.flow.evaluator import BAD_REASONS
from kiosk.widgets.common import Card, button, label
from shared.queue.ratings import RatingLevel

CENTER = Qt.AlignmentFlag.AlignCenter
LEVELS = ((RatingLevel.VERY_SATISFIED, "非常满意", "#2e7d32"), (RatingLevel.SATISFIED, "满意", "#558b2f"),
          (RatingLevel.BASICALLY_SATISFIED, "基本满意", "#1459b3"), (RatingLevel.DISSATISFIED, "不满意", "#b26a00"),
          (RatingLevel.VERY_DISSATISFIED, "非常不满意", "#c62828"))
# Stars, not emoji faces: every CJK font has ★, few have the faces.
FACES = {level: "★" * level.score for level, _, _ in LEVELS}


class ClerkScreen(QWidget):
    """Who serves at this window, and the ticket being served."""

    def __init__(self, window_number: int) -> None:
        super().__init__()
        box = QHBoxLayout(self)
        box.setContentsMargins(48, 36, 48, 36)
        card = Card()
        self.photo = QLabel(alignment=CENTER)
        self.photo.setFixedSize(220, 280)
        self.photo.setStyleSheet("background: #dfe8f5; color: #0b3573; font-size: 120px;"
                                 " border-radius: 16px;")
        self.name = label("", "title", align=CENTER)
        self.staff_no = label("", "subtitle", align=CENTER)
        card.box.addWidget(self.photo, 0, CENTER)
        card.box.addWidget(self.name)
        card.box.addWidget(self.staff_no)
        right = QVBoxLayout()
        right.addWidget(label(self.tr("{n} 号窗口").format(n=window_number), "title"))
        self.serving = label("", "message")
        self.serving.setStyleSheet("font-size: 44px;")
        right.addWidget(self.serving)
        right.addWidget(label(self.tr("办理结束后，请您对本次服务作出评价。您的评价将用于改进政务服务。"), "hint"))
        right.addStretch(1)
        right.addWidget(label(self.tr("服务监督电话：12345"), "hint"))
        box.addWidget(card, 2)
        box.addSpacing(36)
        box.addLayout(right, 3)

    def show_clerk(self, name: str, staff_no: str, ticket: str | None) -> None:
        self.name.setText(name or self.tr("窗口工作人员"))
        self.staff_no.setText(self.tr("工号：{no}").format(no=staff_no) if staff_no else "")
        self.photo.setText(name[:1] if name else "政")  # no photo on record: the surname as a placeholder
        self.serving.setText(self.tr("正在办理：{t} 号").format(t=ticket) if ticket else self.tr("欢迎您！"))


class AskScreen(QWidget):
    sig_level = Signal(object)  # RatingLevel

    def __init__(self) -> None:
        super().__init__()
        box = QVBoxLayout(self)
        box.setContentsMargins(40, 30, 40, 30)
        self.title = label("", "title", align=CENTER)
        box.addWidget(self.title)
        box.addWidget(label(self.tr("请点击下方按钮评价"), "hint", align=CENTER))
        row = QHBoxLayout()
        row.setSpacing(16)
        self.buttons = {}
        for level, text, colour in LEVELS:
            b = button(f"{FACES[level]}\n{self.tr(text)}")
            b.setStyleSheet(f"background: {colour}; font-size: 36px; border-radius: 20px; min-height: 280px;")
            b.clicked.connect(lambda _=False, lv=level: self.sig_level.emit(lv))
            self.buttons[level] = b
            row.addWidget(b)
        box.addStretch(1)
        box.addLayout(row)
        box.addStretch(1)

    def ask(self, ticket: str) -> None:
        self.title.setText(self.tr("请对 {t} 号的服务进行评价").format(t=ticket))


class ReasonScreen(QWidget):
    sig_reason = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        box = QVBoxLayout(self)
        box.setContentsMargins(40, 30, 40, 30)
        box.addWidget(label(self.tr("很抱歉没有让您满意，请告诉我们原因"), "title", align=CENTER))
        box.addWidget(label(self.tr("我们将在 5 个工作日内整改并回复"), "hint", align=CENTER))
        grid = QGridLayout()
        grid.setSpacing(16)
        for i, reason in enumerate(BAD_REASONS):
            b = button(self.tr(reason), "secondary")
            b.setStyleSheet("min-height: 120px;")
            b.clicked.connect(lambda _=False, r=reason: self.sig_reason.emit(r))
            grid.addWidget(b, i // 3, i % 3)
        box.addStretch(1)
        box.addLayout(grid)
        box.addStretch(1)


class ThanksScreen(QWidget):
    def __init__(self) -> None:
        super().__init__()
        box = QVBoxLayout(self)
        box.addStretch(1)
        self.face = label("✔", align=CENTER)
        self.face.setStyleSheet("font-size: 140px; color: #2e7d32;")
        box.addWidget(self.face)
        self.text = label("", "title", align=CENTER)
        box.addWidget(self.text)
        box.addStretch(1)

    def thank(self, level: RatingLevel | None) -> None:
        self.text.setText(self.tr("感谢您的评价！") if level is not None else self.tr("感谢您的光临！"))
