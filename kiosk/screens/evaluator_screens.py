"""Evaluator screens (1280×800 tablet): the clerk card, five large rating buttons, the 差评 reasons, thanks."""

from __future__ import annotations

from gui.qt import QBoxLayout, QGridLayout, QLabel, QPixmap, QPushButton, QVBoxLayout, QWidget, Qt, Signal
from kiosk.flow.evaluator import BAD_REASONS
from kiosk.widgets.common import Card, button, label
from kiosk.widgets.theme import NORMAL, Theme
from shared.queue.ratings import RatingLevel
from shared.queue.rules import RatingRules

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
        # The clerk's card beside the texts on a landscape tablet, above them on a portrait one.
        self.box = box = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        card = Card()
        self.photo = QLabel(alignment=CENTER)
        self.name = label("", "title", align=CENTER)
        self.staff_no = label("", "subtitle", align=CENTER)
        card.box.addWidget(self.photo, 0, CENTER)
        card.box.addWidget(self.name)
        card.box.addWidget(self.staff_no)
        right = QVBoxLayout()
        right.addWidget(label(self.tr("{n} 号窗口").format(n=window_number), "title"))
        self.serving = label("", "message")
        right.addWidget(self.serving)
        right.addWidget(label(self.tr("办理结束后，请您对本次服务作出评价。您的评价将用于改进政务服务。"), "hint"))
        right.addStretch(1)
        right.addWidget(label(self.tr("服务监督电话：12345"), "hint"))
        self.name_shown: str | None = None
        self.has_photo = False
        box.addWidget(card, 2)
        box.addLayout(right, 3)
        self.restyle(NORMAL)

    def restyle(self, theme: Theme) -> None:
        self.box.setDirection(QBoxLayout.Direction.LeftToRight if theme.landscape
                              else QBoxLayout.Direction.TopToBottom)
        self.box.setContentsMargins(theme.px(48), theme.px(36), theme.px(48), theme.px(36))
        self.box.setSpacing(theme.px(36))
        self.photo.setFixedSize(theme.px(220), theme.px(280))
        self.photo.setStyleSheet(f"background: #dfe8f5; color: #0b3573; font-size: {theme.px(120)}px;"
                                 f" border-radius: {theme.px(16)}px;")
        self.serving.setStyleSheet(f"font-size: {theme.px(44)}px;")

    def show_clerk(self, name: str, staff_no: str, ticket: str | None) -> None:
        self.name.setText(name or self.tr("窗口工作人员"))
        self.staff_no.setText(self.tr("工号：{no}").format(no=staff_no) if staff_no else "")
        if name != self.name_shown:  # another clerk: the surname until (or unless) their photo arrives
            self.name_shown, self.has_photo = name, False
            self.photo.setPixmap(QPixmap())
            self.photo.setText(name[:1] if name else "政")
        self.serving.setText(self.tr("正在办理：{t} 号").format(t=ticket) if ticket else self.tr("欢迎您！"))

    def show_photo(self, data: bytes | None) -> None:
        """The clerk's photo (PNG or JPEG, checked by the shared rule), scaled into the card; None or an
        unreadable image keeps the surname."""
        image = QPixmap()
        if not data or not image.loadFromData(data):
            return
        size = self.photo.size()
        self.photo.setText("")
        self.photo.setPixmap(image.scaled(size, Qt.AspectRatioMode.KeepAspectRatio,
                                          Qt.TransformationMode.SmoothTransformation))
        self.has_photo = True


class AskScreen(QWidget):
    sig_level = Signal(object)  # RatingLevel

    def __init__(self) -> None:
        super().__init__()
        self.box = box = QVBoxLayout(self)
        self.title = label("", "title", align=CENTER)
        box.addWidget(self.title)
        box.addWidget(label(self.tr("请点击下方按钮评价"), "hint", align=CENTER))
        self.grid = QGridLayout()
        self.buttons: dict[RatingLevel, QPushButton] = {}
        for level, text, _ in LEVELS:
            b = button(f"{FACES[level]}\n{self.tr(text)}")
            b.clicked.connect(lambda _=False, lv=level: self.sig_level.emit(lv))
            self.buttons[level] = b
        box.addStretch(1)
        box.addLayout(self.grid)
        box.addStretch(1)
        self.restyle(NORMAL)

    def restyle(self, theme: Theme) -> None:
        """Five buttons in a row on a landscape tablet; one above the other, full width, on a portrait one."""
        self.box.setContentsMargins(theme.px(40), theme.px(30), theme.px(40), theme.px(30))
        self.grid.setSpacing(theme.px(16))
        across = len(LEVELS) if theme.landscape else 1
        height = theme.px(280) if theme.landscape else theme.px(140)
        for i, (level, _, colour) in enumerate(LEVELS):
            b = self.buttons[level]
            b.setStyleSheet(f"background: {colour}; font-size: {theme.px(36)}px; border-radius: {theme.px(20)}px;"
                            f" min-height: {height}px;")
            self.grid.removeWidget(b)  # then back into its cell for this orientation
            self.grid.addWidget(b, i // across, i % across)

    def ask(self, ticket: str) -> None:
        self.title.setText(self.tr("请对 {t} 号的服务进行评价").format(t=ticket))

    def ask_case(self, reference: str, item: str) -> None:
        """一事一评: the case just finished at this window, by its item and the tail of its number."""
        self.title.setText(self.tr("请对本次办件进行评价\n{item}（办件编号 {ref}）").format(item=item, ref=reference))


class ReasonScreen(QWidget):
    sig_reason = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.box = box = QVBoxLayout(self)
        box.addWidget(label(self.tr("很抱歉没有让您满意，请告诉我们原因"), "title", align=CENTER))
        self.promise = label("", "hint", align=CENTER)
        box.addWidget(self.promise)
        self.promise_days(RatingRules().rectification_workdays)
        self.grid = QGridLayout()
        self.buttons: list[QPushButton] = []
        for reason in BAD_REASONS:
            b = button(self.tr(reason), "secondary")
            b.clicked.connect(lambda _=False, r=reason: self.sig_reason.emit(r))
            self.buttons.append(b)
        box.addStretch(1)
        box.addLayout(self.grid)
        box.addStretch(1)
        self.restyle(NORMAL)

    def promise_days(self, workdays: int) -> None:
        """What the hall promises: its configured rectification deadline (the server's record counts the same)."""
        self.promise.setText(self.tr("我们将在 {n} 个工作日内整改并回复").format(n=workdays))

    def restyle(self, theme: Theme) -> None:
        """Three reasons a row on a landscape tablet, two on a portrait one."""
        self.box.setContentsMargins(theme.px(40), theme.px(30), theme.px(40), theme.px(30))
        self.grid.setSpacing(theme.px(16))
        across = 3 if theme.landscape else 2
        for i, b in enumerate(self.buttons):
            b.setStyleSheet(f"min-height: {theme.px(120)}px;")
            self.grid.removeWidget(b)
            self.grid.addWidget(b, i // across, i % across)


class ThanksScreen(QWidget):
    def __init__(self) -> None:
        super().__init__()
        box = QVBoxLayout(self)
        box.addStretch(1)
        self.face = label("✔", align=CENTER)
        box.addWidget(self.face)
        self.text = label("", "title", align=CENTER)
        box.addWidget(self.text)
        box.addStretch(1)
        self.restyle(NORMAL)

    def restyle(self, theme: Theme) -> None:
        self.face.setStyleSheet(f"font-size: {theme.px(140)}px; color: #2e7d32;")

    def thank(self, level: RatingLevel | None) -> None:
        self.text.setText(self.tr("感谢您的评价！") if level is not None else self.tr("感谢您的光临！"))
