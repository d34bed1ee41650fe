"""Picking an item at the counter: search by pinyin initials, Chinese or code, over the local cache."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from gui.qt import Qt
from client.services.catalogue import CatalogueIndex
from client.widgets.item_picker import ItemPicker
from shared.db.cache import open_cache
from shared.demo.loader import load_demo


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> CatalogueIndex:  # noqa: ANN001
    engine = open_cache(Path(tmp_path_factory.mktemp("cache")) / "cache.sqlite3")
    with Session(engine) as session:
        load_demo(session, password_iterations=1000)
        session.commit()
    return CatalogueIndex.load(engine)


def test_index_has_every_online_line_of_the_catalogue(index: CatalogueIndex) -> None:
    assert len(index.choices) == 30
    assert {c.item_code for c in index.search("tzsbsydj")} == {"00790"}


def test_typing_initials_then_choosing_a_situation(qtbot, index, screenshot) -> None:  # noqa: ANN001
    picker = ItemPicker(index)
    qtbot.addWidget(picker)
    picker.resize(1100, 560)
    picker.show()
    qtbot.keyClicks(picker.query, "tzsbsydjdt")
    assert picker.results.currentItem().text().startswith("特种设备使用登记（电梯）")
    assert [picker.situations.item(i).text() for i in range(3)] == ["特种设备使用登记", "移装申请", "变更"]
    picker.situations.setCurrentRow(0)
    assert "特种设备产品合格证及监督检验证明" in picker.detail.text()
    screenshot(picker, "client/item-picker")
    with qtbot.waitSignal(picker.sig_chosen, timeout=1000) as blocker:
        qtbot.keyClick(picker.situations, Qt.Key.Key_Return)
    choice, situation = blocker.args
    assert (choice.sub_item_code, situation.name) == ("00790-04", "特种设备使用登记")


def test_no_match_says_so(qtbot, index) -> None:  # noqa: ANN001
    picker = ItemPicker(index)
    qtbot.addWidget(picker)
    qtbot.keyClicks(picker.query, "qqqq")
    assert picker.results.count() == 0 and picker.detail.text() == "没有找到匹配的事项"
