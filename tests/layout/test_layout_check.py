"""The layout checker itself: it finds a deliberately clipped label (too narrow, too short, rich text, a
button), two overlapping labels and a label outside its window — and nothing in a layout that fits."""

from __future__ import annotations

import pytest

from gui.qt import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget
from tests.layout.layout_check import check, report


@pytest.fixture
def window(qtbot):  # noqa: ANN001, ANN201
    w = QWidget()
    w.setStyleSheet("QLabel { font-size: 24px; }")
    qtbot.addWidget(w)
    w.resize(600, 400)
    w.show()
    return w


def kinds(window: QWidget) -> list[tuple[str, str]]:
    return sorted((p.kind, p.widget.objectName()) for p in check(window))


def test_a_layout_that_fits_has_no_problems(qtbot, window) -> None:  # noqa: ANN001
    box = QVBoxLayout(window)
    wrapped = QLabel("特种设备使用登记 " * 6)
    wrapped.setWordWrap(True)
    box.addWidget(wrapped)
    box.addWidget(QLabel("<b>计量业务</b>&nbsp;<span style='font-size:30px'>C</span>"))
    box.addWidget(QPushButton("返回首页"))
    qtbot.wait(10)
    assert check(window) == [], report(check(window))


def test_it_catches_a_label_cut_at_the_side_and_at_the_top(qtbot, window) -> None:  # noqa: ANN001
    narrow = QLabel("工业产品生产许可", window)
    narrow.setObjectName("narrow")
    narrow.setGeometry(10, 10, 60, 40)  # the text needs ~190 px
    short = QLabel("计量业务", window)
    short.setObjectName("short")
    short.setGeometry(10, 100, 300, 14)  # a 24-px font in 14 px: tops and bottoms of the characters cut
    wrapped = QLabel("特种设备作业人员考核 " * 4, window)
    wrapped.setObjectName("wrapped")
    wrapped.setWordWrap(True)
    wrapped.setGeometry(10, 200, 200, 40)  # wraps to several lines, has room for one
    for w in (narrow, short, wrapped):
        w.show()
    found = check(window)
    assert kinds(window) == [("clipped", "narrow"), ("clipped", "short"), ("clipped", "wrapped")], report(found)
    by_name = {p.widget.objectName(): p.detail for p in found}
    assert "width" in by_name["narrow"] and "height" not in by_name["narrow"]
    assert "height" in by_name["short"] and "width" not in by_name["short"]


def test_it_measures_rich_text_and_buttons(qtbot, window) -> None:  # noqa: ANN001
    rich = QLabel("<b style='font-size:40px'>标准与守法证明</b>", window)
    rich.setObjectName("rich")
    rich.setGeometry(10, 10, 150, 60)  # the 40-px bold span needs ~280 px
    button = QPushButton("不打印，记住号码", window)
    button.setObjectName("button")
    button.setStyleSheet("font-size: 30px; padding: 8px 24px;")
    button.setGeometry(10, 100, 200, 70)
    for w in (rich, button):
        w.show()
    assert kinds(window) == [("clipped", "button"), ("clipped", "rich")], report(check(window))
    button.setGeometry(10, 100, 320, 70)
    rich.setGeometry(10, 10, 320, 60)
    assert check(window) == [], report(check(window))


def test_it_catches_two_names_overlapping(qtbot, window) -> None:  # noqa: ANN001
    row = QWidget(window)
    row.setGeometry(0, 0, 600, 100)
    first, second = QLabel("计量业务", row), QLabel("标准与守法证明", window)
    first.setObjectName("first")
    second.setObjectName("second")
    first.setGeometry(10, 10, 200, 40)
    second.setGeometry(10, 30, 250, 40)  # different parents, same place on the screen
    row.show(), first.show(), second.show()
    assert kinds(window) == [("overlap", "first")], report(check(window))
    second.move(10, 60)
    assert check(window) == []


def test_it_catches_a_label_outside_its_window_and_its_panel(qtbot, window) -> None:  # noqa: ANN001
    off = QLabel("综合咨询与出件", window)
    off.setObjectName("off")
    off.setGeometry(500, 10, 300, 40)  # the window is 600 wide
    panel = QWidget(window)
    panel.setGeometry(10, 200, 100, 100)
    inner = QLabel("计量", panel)
    inner.setObjectName("inner")
    inner.setGeometry(60, 10, 80, 40)  # cut by its panel, though well inside the window
    for w in (off, panel, inner):
        w.show()
    assert kinds(window) == [("outside", "inner"), ("outside", "off")], report(check(window))


def test_hidden_widgets_and_deliberate_elision_are_not_reported(qtbot, window) -> None:  # noqa: ANN001
    hidden = QLabel("工业产品生产许可", window)
    hidden.setGeometry(10, 10, 20, 20)
    hidden.hide()
    elided = QLabel("工业产品生产许可", window)
    elided.setProperty("layoutElided", True)  # the full text is in its tooltip
    elided.setToolTip(elided.text())
    elided.setGeometry(10, 50, 60, 40)
    elided.show()
    assert check(window) == []


def test_scrolled_content_may_run_past_the_viewport_only_where_it_scrolls(qtbot, window) -> None:  # noqa: ANN001
    from gui.qt import QScrollArea, Qt
    scroll = QScrollArea(window)
    scroll.setGeometry(0, 0, 300, 200)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
    inner = QWidget()
    inner.resize(260, 1000)
    below = QLabel("计量业务", inner)
    below.setObjectName("below")
    below.setGeometry(10, 600, 200, 40)  # far below the viewport: the citizen scrolls to it
    wide = QLabel("标准与守法证明", inner)
    wide.setObjectName("wide")
    wide.setGeometry(150, 10, 200, 40)  # past the right edge, which does not scroll
    scroll.setWidget(inner)
    scroll.show()
    qtbot.wait(10)
    assert kinds(window) == [("outside", "wide")], report(check(window))
