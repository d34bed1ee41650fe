"""The admin pages' shared builders (client/workspaces/admin/admin_widgets.py): the pickers filled from server
rows keep what was chosen, the hall page frame and the searchable list beside an editor hold what they are given."""

from __future__ import annotations

from client.workspaces.admin.admin_widgets import StatusLine, hall_page, list_beside_editor, set_choices
from gui.qt import QComboBox, QHBoxLayout, QLabel, QLineEdit, QListWidget, QWidget


def test_set_choices_offers_none_first_and_keeps_the_choice(qtbot) -> None:  # noqa: ANN001
    combo = QComboBox()
    qtbot.addWidget(combo)
    set_choices(combo, [("综合科", 1), ("审批科", 2)], "（不指定）")
    assert [combo.itemText(i) for i in range(combo.count())] == ["（不指定）", "综合科", "审批科"]
    assert combo.currentData() is None
    combo.setCurrentIndex(2)
    set_choices(combo, [("审批科", 2), ("新科室", 3)], "（不指定）", keep=combo.currentData())
    assert combo.currentText() == "审批科"
    set_choices(combo, [("新科室", 3)], keep=2)  # gone: the first entry; no "none" entry when not asked for
    assert combo.count() == 1 and combo.currentData() == 3


def test_hall_page_puts_the_picker_on_top_and_the_status_below(qtbot) -> None:  # noqa: ANN001
    page, hall, status, extra = QWidget(), QComboBox(), StatusLine(), QLabel("刷新")
    qtbot.addWidget(page)
    body = QHBoxLayout()
    body.addWidget(QLabel("内容"))
    layout = hall_page(page, "大厅", hall, body, status, extra)
    top = layout.itemAt(0).layout()
    assert [top.itemAt(i).widget() for i in range(1, 3)] == [hall, extra]
    assert top.itemAt(0).widget().text() == "大厅"
    assert layout.itemAt(1).layout() is body and layout.itemAt(2).widget() is status
    status.failed("有误")
    assert "#b3261e" in status.styleSheet() and status.text() == "有误"
    status.done("已保存")
    assert "#1b6e2d" in status.styleSheet()


def test_list_beside_editor_gives_the_editor_the_spare_width(qtbot) -> None:  # noqa: ANN001
    search, entries, editor = QLineEdit(), QListWidget(), QWidget()
    under = QHBoxLayout()
    under.addWidget(QLabel("导出"))
    split = list_beside_editor(search, entries, editor, min_width=280, width=330, under_list=under)
    qtbot.addWidget(split)
    split.resize(1366, 700)
    split.show()
    left = split.widget(0)
    assert split.widget(1) is editor and left.minimumWidth() == 280
    assert search.parent() is left and entries.parent() is left
    assert split.sizes()[1] > split.sizes()[0] >= 280
