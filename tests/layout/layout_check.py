"""Layout checker (test-only): walks a window's widget tree and reports every visible label, button or line
edit whose text does not fit its rect, that overlaps another one, or that lies outside the widgets that
contain it (the window, its parent panels, the visible width of a scroll area).

Text is measured the way Qt draws it: QFontMetrics with the widget's own font (style sheets set it on
polish), the label's word wrap, margin and contents rect; rich text through a QTextDocument; a push button's
text against its style's contents rect (border and padding from the style sheet taken off).

A label that elides on purpose (its full text is shown elsewhere, e.g. in a tooltip) opts out of the text
check with the dynamic property `layoutElided` set to True."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QFontMetrics, QTextDocument, QTextOption
from PySide6.QtGui import Qt as QtGuiNamespace  # mightBeRichText lives in the QtGui part of Qt::
from PySide6.QtWidgets import (QAbstractButton, QAbstractScrollArea, QCheckBox, QLabel, QLineEdit,
                               QPushButton, QRadioButton, QStyle, QStyleOptionButton, QStyleOptionFrame,
                               QWidget)

TOLERANCE = 1  # px: Qt rounds font metrics and layout positions independently
CHECKED = (QLabel, QAbstractButton, QLineEdit)
BIG = 100_000


@dataclass(frozen=True)
class Problem:
    kind: str     # clipped / overlap / outside
    widget: QWidget
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {describe(self.widget)} {self.detail}"


def describe(widget: QWidget) -> str:
    text = _text(widget)
    name = widget.objectName()
    shown = text.replace("\n", "⏎")
    if len(shown) > 40:
        shown = shown[:40] + "…"
    return f"{type(widget).__name__}{'#' + name if name else ''} {shown!r}"


def _text(widget: QWidget) -> str:
    if isinstance(widget, (QLabel, QAbstractButton)):
        return widget.text()
    if isinstance(widget, QLineEdit):
        return widget.text() or widget.placeholderText()
    return ""


def check(window: QWidget) -> list[Problem]:
    """Every layout problem of the visible widgets under `window` (itself included when it is one)."""
    widgets = [w for w in [window, *window.findChildren(QWidget)]
               if isinstance(w, CHECKED) and _shown(w, window) and w.width() > 0 and w.height() > 0]
    problems: list[Problem] = []
    for w in widgets:
        problems += _fit(w)
        problems += _inside(w, window)
    problems += _overlaps(widgets, window)
    return problems


def report(problems: list[Problem]) -> str:
    return "\n".join(str(p) for p in problems)


# visibility -------------------------------------------------------------------------------------------------
def _shown(widget: QWidget, window: QWidget) -> bool:
    return widget is window or (widget.isVisibleTo(window) and widget.isVisible())


# text fit ---------------------------------------------------------------------------------------------------
def _fit(widget: QWidget) -> list[Problem]:
    if isinstance(widget, QLabel):
        return _fit_label(widget)
    if isinstance(widget, QAbstractButton):
        return _fit_button(widget)
    return _fit_line_edit(widget)


def _fit_label(label: QLabel) -> list[Problem]:
    text = label.text()
    if not text or label.property("layoutElided"):
        return []
    area = label.contentsRect()
    m = label.margin()
    area = area.adjusted(m, m, -m, -m)
    need = rich_text_size(text, label.font(), label.wordWrap(), area.width()) if _is_rich(label) \
        else plain_text_size(text, label.font(), label.wordWrap(), area.width())
    return _compare(label, need, area.size())


def _is_rich(label: QLabel) -> bool:
    fmt = label.textFormat()
    auto = fmt == Qt.TextFormat.AutoText and QtGuiNamespace.mightBeRichText(label.text())
    return fmt == Qt.TextFormat.RichText or auto


def plain_text_size(text: str, font, wrap: bool, width: int) -> QSize:  # noqa: ANN001
    """What QLabel needs for plain text: with word wrap, the lines broken at `width` (a word that cannot be
    broken comes back wider than `width`)."""
    metrics = QFontMetrics(font)
    flags = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    if wrap:
        flags |= int(Qt.TextFlag.TextWordWrap)
        return metrics.boundingRect(QRect(0, 0, max(width, 1), BIG), flags, text).size()
    return metrics.boundingRect(QRect(0, 0, BIG, BIG), flags, text).size()


def rich_text_size(html: str, font, wrap: bool, width: int) -> QSize:  # noqa: ANN001
    doc = QTextDocument()
    doc.setDefaultFont(font)
    doc.setDocumentMargin(0)  # QLabel lays its text control out without a document margin
    doc.setHtml(html)
    if wrap:
        doc.setTextWidth(max(width, 1))
        return QSize(int(doc.idealWidth() + .999), int(doc.size().height() + .999))
    option = doc.defaultTextOption()
    option.setWrapMode(QTextOption.WrapMode.NoWrap)
    doc.setDefaultTextOption(option)
    return QSize(int(doc.idealWidth() + .999), int(doc.size().height() + .999))


def _fit_button(button: QAbstractButton) -> list[Problem]:
    text = button.text()
    if not text:
        return []
    if isinstance(button, (QPushButton, QCheckBox, QRadioButton)):
        option = QStyleOptionButton()
        button.initStyleOption(option)
        element = {QPushButton: QStyle.SubElement.SE_PushButtonContents,
                   QCheckBox: QStyle.SubElement.SE_CheckBoxContents,
                   QRadioButton: QStyle.SubElement.SE_RadioButtonContents}
        kind = next(k for k in element if isinstance(button, k))
        area = button.style().subElementRect(element[kind], option, button)
        if isinstance(button, QPushButton) and not button.icon().isNull():
            area.setLeft(area.left() + button.iconSize().width() + 4)
    else:
        area = button.rect().adjusted(2, 2, -2, -2)
    metrics = QFontMetrics(button.font())
    flags = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextShowMnemonic)
    need = metrics.boundingRect(QRect(0, 0, BIG, BIG), flags, text).size()
    return _compare(button, need, area.size())


def _fit_line_edit(edit: QLineEdit) -> list[Problem]:
    """A line edit scrolls its text sideways, so only the height must fit — and the placeholder, which does not
    scroll, must fit whole."""
    option = QStyleOptionFrame()
    edit.initStyleOption(option)
    area = edit.style().subElementRect(QStyle.SubElement.SE_LineEditContents, option, edit)
    margins = edit.textMargins()
    area = area.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
    metrics = QFontMetrics(edit.font())
    if edit.text() or not edit.placeholderText():
        need = QSize(0, metrics.height())
    else:
        need = QSize(metrics.horizontalAdvance(edit.placeholderText()), metrics.height())
    return _compare(edit, need, area.size())


def _compare(widget: QWidget, need: QSize, have: QSize) -> list[Problem]:
    cut = []
    if need.width() > have.width() + TOLERANCE:
        cut.append(f"width {need.width()} > {have.width()}")
    if need.height() > have.height() + TOLERANCE:
        cut.append(f"height {need.height()} > {have.height()}")
    return [Problem("clipped", widget, "needs " + ", ".join(cut))] if cut else []


# containment ------------------------------------------------------------------------------------------------
def _inside(widget: QWidget, window: QWidget) -> list[Problem]:
    """The widget lies inside each ancestor up to the window. Inside a scroll area the content may run past
    the viewport along the axes that scroll (a visible scroll bar); never along one that does not."""
    if widget is window:
        return []
    rect = QRect(QPoint(0, 0), widget.size())
    child: QWidget = widget
    parent = widget.parentWidget()
    while parent is not None:
        rect = QRect(child.mapTo(parent, rect.topLeft()), rect.size())
        scroll = _scroll_area_of_viewport(parent)
        outer = parent.rect().adjusted(-TOLERANCE, -TOLERANCE, TOLERANCE, TOLERANCE)
        if scroll is not None:
            if scroll.horizontalScrollBar().isVisible():
                outer.setLeft(-BIG), outer.setRight(BIG)
            if scroll.verticalScrollBar().isVisible():
                outer.setTop(-BIG), outer.setBottom(BIG)
        if not outer.contains(rect):
            where = "the window" if parent is window else describe(parent)
            return [Problem("outside", widget, f"{_geometry(rect)} leaves {where} {_geometry(parent.rect())}")]
        if scroll is not None:  # what is scrolled away is not on screen: only the part in view goes on
            rect = rect.intersected(parent.rect())
            if rect.isEmpty():
                return []
        if parent is window:
            break
        child, parent = parent, parent.parentWidget()
    return []


def _scroll_area_of_viewport(widget: QWidget) -> QAbstractScrollArea | None:
    parent = widget.parentWidget()
    if isinstance(parent, QAbstractScrollArea) and parent.viewport() is widget:
        return parent
    return None


def _geometry(rect: QRect) -> str:
    return f"({rect.x()},{rect.y()} {rect.width()}×{rect.height()})"


# overlap ----------------------------------------------------------------------------------------------------
def _overlaps(widgets: list[QWidget], window: QWidget) -> list[Problem]:
    """Two checked widgets whose visible parts intersect, unless one contains the other (a label on a tile)."""
    visible = {id(w): _visible_rect(w, window) for w in widgets}
    problems = []
    for i, a in enumerate(widgets):
        for b in widgets[i + 1:]:
            if _related(a, b):
                continue
            common = visible[id(a)].intersected(visible[id(b)])
            if common.width() > TOLERANCE and common.height() > TOLERANCE:
                problems.append(Problem("overlap", a, f"with {describe(b)} over {_geometry(common)}"))
    return problems


def _related(a: QWidget, b: QWidget) -> bool:
    return a.isAncestorOf(b) or b.isAncestorOf(a)


def _visible_rect(widget: QWidget, window: QWidget) -> QRect:
    """The widget's rect in window coordinates, clipped by every ancestor (a scrolled-away tile is empty)."""
    rect = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        rect = rect.intersected(QRect(parent.mapTo(window, QPoint(0, 0)), parent.size()))
        parent = parent.parentWidget()
    return rect


# waiting for a layout to settle -----------------------------------------------------------------------------
def settle(qtbot, window: QWidget, timeout_ms: int = 3000) -> None:  # noqa: ANN001
    """Process events until no widget under `window` moves or changes size between two rounds: a resize, a
    style sheet re-applied or a text that wraps anew posts layout requests level by level, and a loaded
    machine may need more than one round to work through them."""
    def geometry() -> list[tuple[int, int, int, int]]:
        return [w.geometry().getRect() for w in window.findChildren(QWidget) if w.isVisible()]
    before, waited = geometry(), 0
    while waited < timeout_ms:
        qtbot.wait(20)
        waited += 20
        now = geometry()
        if now == before:
            break
        before = now
    window.repaint()
