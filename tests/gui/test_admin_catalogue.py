"""事项目录 against a live server: the admin opens an item, adds a required material and shortens the promised
limit, saves (a new workflow version for new cases), exports the catalogue to xlsx and imports a sheet with a
bad row (refused by its number, nothing imported)."""

from __future__ import annotations

from openpyxl import load_workbook

from client.services.catalogue import CatalogueIndex
from tests.gui.client_support import open_window, shoot
from tests.gui.test_admin_calendar import _services


def test_the_admin_edits_an_item_and_round_trips_the_sheet(qtbot, server_url, sqlite_database, tmp_path,
                                                           screenshot) -> None:  # noqa: ANN001
    services = _services(tmp_path, server_url, sqlite_database)
    window, ops, _ = open_window(qtbot, services)
    page = window.workspace.page("事项目录")
    qtbot.waitUntil(lambda: page.items.count() > 10, timeout=15000)
    with qtbot.waitSignal(page.sig_opened, timeout=10000) as opened:
        page.items.setCurrentRow(0)
    item = opened.args[0]
    assert page.name.text() == item["name"] and page.situations.count() == len(item["situations"])
    assert page.materials.rowCount() == len(item["situations"][0]["materials"])
    page.add_material()
    row = page.materials.rowCount() - 1
    page.materials.item(row, 0).setText("现场照片")
    page.materials.cellWidget(row, 2).setCurrentIndex(3)  # 电子材料
    page.materials.setCurrentCell(row, 0)  # its sample (样表): a note and a file's name, as typed
    assert page.sample.note.isEnabled() and page.sample.note.text() == ""
    page.sample.note.insert("正面清晰拍摄，含门牌号")  # as typed (keyClicks cannot type Chinese)
    page.sample.file.insert("现场照片示例.jpg")
    assert "样表：正面清晰拍摄" in page.materials.item(row, 0).toolTip()
    page.promised.setValue(max(1, item["promised_limit_days"] - 1))
    shoot(qtbot, screenshot, window, "admin-catalogue-edit")
    with qtbot.waitSignal(page.sig_changed, timeout=10000) as saved:
        page.save_item()
    answer = saved.args[0]
    first = item["situations"][0]["code"]
    assert answer["definition_versions"][first] == 2
    materials = answer["item"]["situations"][0]["materials"]
    assert materials[-1] == {**materials[-1], "name": "现场照片", "required": True, "form": "electronic",
                             "sample_note": "正面清晰拍摄，含门牌号", "sample_file": "现场照片示例.jpg"}
    assert "已保存" in page.message.text() and "v2" in page.message.text()
    services.sync.sync_once()  # the workstation's next pull: its counter offers the new material
    counter = CatalogueIndex.load(services.engine, online_only=False)
    offered = next(s for c in counter.choices if c.item_code == item["code"] for s in c.situations
                   if s.code == first)
    assert ("现场照片", True) in offered.materials
    assert offered.sample_of("现场照片") == ("正面清晰拍摄，含门牌号", "现场照片示例.jpg")  # pulled with the row
    assert services.cases.definitions.latest(item["code"], first).version == 2
    page.materials.selectRow(page.materials.rowCount() - 1)
    page.remove_material()
    with qtbot.waitSignal(page.sig_changed, timeout=10000) as removed:
        page.save_item()
    assert removed.args[0]["definition_versions"][first] == 3
    services.sync.sync_once()  # the removal reaches the counter too
    counter = CatalogueIndex.load(services.engine, online_only=False)
    offered = next(s for c in counter.choices if c.item_code == item["code"] for s in c.situations
                   if s.code == first)
    assert "现场照片" not in [name for name, _ in offered.materials]

    target = tmp_path / "目录.xlsx"
    with qtbot.waitSignal(page.sig_exported, timeout=10000):
        page.export_to(target)
    book = load_workbook(target)
    sheet = book.active
    mine = [r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == item["code"]]
    assert sheet.cell(1, 1).value == "事项编码" and mine
    assert {sheet.cell(r, 5).value for r in mine} == {max(1, item["promised_limit_days"] - 1)}  # as saved
    sheet.cell(4, 4).value = "二十"
    book.save(tmp_path / "bad.xlsx")
    with qtbot.waitSignal(page.sig_changed, timeout=10000) as refused:
        page.import_from(tmp_path / "bad.xlsx")
    assert refused.args[0].code == "catalogue_rows_invalid"
    assert "第4行" in page.message.text() and "法定时限" in page.message.text()
    shoot(qtbot, screenshot, window, "admin-catalogue-refused")
    ops.wait()


def test_the_admin_picks_the_department_and_edits_the_sub_items(qtbot, server_url, sqlite_database, tmp_path,
                                                                screenshot) -> None:  # noqa: ANN001
    services = _services(tmp_path, server_url, sqlite_database)
    window, ops, _ = open_window(qtbot, services)
    page = window.workspace.page("事项目录")
    qtbot.waitUntil(lambda: page.items.count() > 10 and page.department.count() > 2, timeout=15000)
    departments = {d["id"]: d["name"] for d in page.departments}
    offered = [page.department.itemData(i) for i in range(page.department.count())]
    assert offered == [None, *departments] and not page.department.isEditable()  # the organisation's, not typed
    with qtbot.waitSignal(page.sig_opened, timeout=10000) as opened:
        page.items.setCurrentRow(0)
    item = opened.args[0]
    assert page.department.currentData() == item["department_id"]
    assert [page.sub_items.item(r, 1).text() for r in range(page.sub_items.rowCount())] == \
        [s["name"] for s in item["sub_items"]]
    other = next(d for d in departments if d != item["department_id"])
    page.department.setCurrentIndex(page.department.findData(other))
    page.add_sub_item()
    row = page.sub_items.rowCount() - 1
    code = page.sub_items.item(row, 0).text()
    assert code.startswith(item["code"] + "-") and code not in {s["code"] for s in item["sub_items"]}
    page.sub_items.item(row, 1).setText("电梯以外的特种设备")
    page.parts.setCurrentIndex(1)  # the 办理项 tab
    shoot(qtbot, screenshot, window, "admin-catalogue-sub-items")
    with qtbot.waitSignal(page.sig_changed, timeout=10000) as saved:
        page.save_item()
    answer = saved.args[0]["item"]
    assert answer["department_id"] == other
    assert answer["sub_items"][-1] == {**answer["sub_items"][-1], "code": code, "name": "电梯以外的特种设备"}
    assert page.department.currentData() == other and page.sub_items.rowCount() == len(answer["sub_items"])
    # 删除所选办理项: the one just added (no case names it) goes with the next save
    kept = len(answer["sub_items"]) - 1
    page.sub_items.setCurrentCell(kept, 1)
    page.remove_sub_item()
    assert page.sub_items.rowCount() == kept and page.item["removed_sub_items"] == [code]
    shoot(qtbot, screenshot, window, "admin-catalogue-sub-item-removed")
    with qtbot.waitSignal(page.sig_changed, timeout=10000) as saved:
        page.save_item()
    assert code not in [s["code"] for s in saved.args[0]["item"]["sub_items"]]
    assert page.sub_items.rowCount() == kept and page.item["removed_sub_items"] == []
    ops.wait()
