"""文书设置 and 审计日志 against a live server: the admin sees the packaged defaults, picks a seal image, previews
a refusal with it (the page of the server-rendered PDF), saves; a workstation of the hall gets the settings with
its next pull and prints with them; a bad seal is refused in Chinese and nothing is saved. The audit page shows
that change with its workstation and before/after, filters it, and exports it as CSV."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from client.workspaces.admin.notice_settings import NoticeSettingsPage
from client.workspaces.admin.workspace import AdminWorkspace
from shared.db.models import Hall, StaffUser
from tests.approval_server.test_notice_settings import seal_png
from tests.gui.client_support import open_window, shoot
from tests.gui.test_admin_workspace import _admin_services


def _open(qtbot, server_url, database, tmp_path):  # noqa: ANN001, ANN202
    services = _admin_services(tmp_path, server_url, database)
    assert services.reference.hall_id  # its first pull told the workstation its hall: the page edits that hall
    window, ops, _ = open_window(qtbot, services)
    assert isinstance(window.workspace, AdminWorkspace)
    return services, window, ops, window.workspace


def test_the_admin_previews_and_saves_a_seal_and_the_counter_prints_with_it(qtbot, server_url, sqlite_database,
                                                                           tmp_path, screenshot) -> None:  # noqa: ANN001
    services, window, ops, workspace = _open(qtbot, server_url, sqlite_database, tmp_path)
    page = workspace.page("文书设置")
    qtbot.waitUntil(lambda: page.codes.text() != "", timeout=10000)
    assert page.edits["court"].text() == "东莞市第一人民法院"  # office_settings.json until saved
    assert "尚未设置" in page.status.text()

    (tmp_path / "seal.png").write_bytes(seal_png())
    page.load_seal(tmp_path / "seal.png")
    qtbot.waitUntil(lambda: page.seal == seal_png(), timeout=5000)
    page.edits["office_name"].setText("东莞市政务服务数据管理局")
    page.edits["court"].setText("东莞市第二人民法院")
    with qtbot.waitSignal(page.sig_preview, timeout=30000) as shown:
        page.preview_button.click()
    png = shown.args[0]
    assert isinstance(png, bytes) and png.startswith(b"\x89PNG"), png
    assert page.page_view.pixmap().height() > 500  # an A4 page at 72 dpi
    shoot(qtbot, screenshot, window, "admin-notice-settings")

    with qtbot.waitSignal(page.sig_saved, timeout=10000) as saved:
        page.save_button.click()
    assert isinstance(saved.args[0], dict) and saved.args[0]["stored"], saved.args[0]
    assert "已保存" in page.status.text()

    # the hall's workstation, at its next pull: the notices it renders offline carry the new settings
    services.sync.sync_once()
    settings = services.acceptance.notices.settings()
    assert settings.court == "东莞市第二人民法院" and settings.seal_png == seal_png()
    assert settings.office(services.acceptance.notices.office).name == "东莞市政务服务数据管理局"
    ops.wait()


def test_a_bad_seal_is_refused_in_chinese_and_nothing_is_saved(qtbot, server_url, sqlite_database,
                                                               tmp_path) -> None:  # noqa: ANN001
    services, window, ops, workspace = _open(qtbot, server_url, sqlite_database, tmp_path)
    page = workspace.page("文书设置")
    qtbot.waitUntil(lambda: page.codes.text() != "", timeout=10000)
    page.set_seal(seal_png(transparent=False))
    with qtbot.waitSignal(page.sig_saved, timeout=10000) as refused:
        page.save_button.click()
    assert refused.args[0].code == "seal_not_transparent"
    assert "透明背景" in page.status.text() and page.save_button.isEnabled()
    page.templates.setPlainText("{not json")
    page.save()
    assert "JSON" in page.status.text()
    with qtbot.waitSignal(page.sig_loaded, timeout=10000) as reloaded:
        page.refresh()
    assert reloaded.args[0]["stored"] is False
    ops.wait()


def test_the_audit_page_shows_filters_and_exports_the_change(qtbot, server_url, sqlite_database, tmp_path,
                                                            screenshot) -> None:  # noqa: ANN001
    services, window, ops, workspace = _open(qtbot, server_url, sqlite_database, tmp_path)
    hall_id = services.reference.hall_id
    services_api = workspace.context.api
    services_api.put(f"/halls/{hall_id}/notice", {"text": "今日系统升级"})
    services_api.put(f"/halls/{hall_id}/notice", {"text": "今日正常办理"})
    page = workspace.page("审计日志")
    page.since.setText("")
    page.until.setText("")  # the server stamps rows with its own clock: no period
    page.action.setText("hall.notice")
    with qtbot.waitSignal(page.sig_loaded, timeout=10000) as loaded:
        page.refresh()
    assert len(loaded.args[0]) == 2
    cells = [[page.table.item(r, c).text() for c in range(page.table.columnCount())] for r in range(2)]
    assert cells[1][1] == "admin" and cells[1][2] == "管理工作站" and cells[1][3] == "hall.notice"
    assert "今日系统升级" in cells[1][5] and "今日正常办理" in cells[1][6]
    shoot(qtbot, screenshot, window, "admin-audit")

    with qtbot.waitSignal(page.sig_exported, timeout=10000) as exported:
        page.export_to(tmp_path / "audit.csv")
    rows = list(csv.DictReader(io.StringIO(exported.args[0].read_text("utf-8-sig"))))
    assert [r["action"] for r in rows] == ["hall.notice", "hall.notice"]

    page.since.setText("2000-01-01")
    page.until.setText("2000-01-02")
    with qtbot.waitSignal(page.sig_loaded, timeout=10000) as none:
        page.refresh()
    assert none.args[0] == [] and page.table.rowCount() == 0
    page.since.setText("2000-13-01")
    page.refresh()
    assert "YYYY-MM-DD" in page.status.text()
    ops.wait()


def test_the_notice_settings_offer_only_the_halls_this_admin_manages(qtbot, server_url, sqlite_database,
                                                                     tmp_path, screenshot) -> None:  # noqa: ANN001
    """As the server confines it: a hall admin sets their own hall's notices; an admin of no hall picks any hall
    (the workstation's first) and edits the one picked."""
    with sqlite_database.session() as s:
        centre = s.scalars(select(Hall).where(Hall.code == "DG-HALL-1")).one().centre_id
        s.add(Hall(code="DG-HALL-2", name="二号大厅", centre_id=centre, address=""))
    services, window, ops, workspace = _open(qtbot, server_url, sqlite_database, tmp_path)
    page = workspace.page("文书设置")
    qtbot.waitUntil(lambda: page.codes.text() != "", timeout=10000)
    assert [h["code"] for h in page.hall.halls] == ["DG-HALL-1"] and "DG-HALL-1" in page.codes.text()
    ops.wait()

    with sqlite_database.session() as s:  # the same admin made centre-wide
        s.scalars(select(StaffUser).where(StaffUser.username == "admin")).one().hall_id = None
    page = NoticeSettingsPage(workspace.context)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.codes.text() != "", timeout=10000)
    assert {h["code"] for h in page.hall.halls} == {"DG-HALL-1", "DG-HALL-2"}
    assert page.hall.current()["code"] == "DG-HALL-1"  # the workstation's hall first
    with qtbot.waitSignal(page.sig_loaded, timeout=10000):
        page.hall.setCurrentIndex(page.hall.findData(next(h["id"] for h in page.hall.halls
                                                          if h["code"] == "DG-HALL-2")))
    assert "DG-HALL-2" in page.codes.text() and "尚未设置" in page.status.text()
    shoot(qtbot, screenshot, page, "admin-notice-settings-halls")
    ops.wait()


def test_templates_export_and_import_as_json_files(qtbot, server_url, sqlite_database, tmp_path,  # noqa: ANN001
                                                   screenshot) -> None:
    """The admin exports the hall's template texts as a JSON file, edits it elsewhere, imports it back, saves;
    the server keeps exactly the imported overrides. A broken file is refused naming line and column, a file
    whose template drops what the law requires names the template — and the draft is left as it was."""
    import json

    from shared.notices.template_file import FORMAT
    services, window, ops, workspace = _open(qtbot, server_url, sqlite_database, tmp_path)
    page = workspace.page("文书设置")
    qtbot.waitUntil(lambda: page.codes.text() != "", timeout=10000)
    page.templates.setPlainText(json.dumps({"acceptance": {"footer": "咨询电话：0769-12345"}}, ensure_ascii=False))
    exported = tmp_path / "templates.json"
    with qtbot.waitSignal(page.sig_file, timeout=10000) as done:
        page.export_to(exported)
    assert done.args[0] is None and "已导出" in page.status.text()
    doc = json.loads(exported.read_text(encoding="utf-8"))
    assert (doc["format"], doc["hall"]) == (FORMAT, "DG-HALL-1")
    doc["templates"]["refusal"] = {"title": "不予行政许可决定书（导入）"}  # edited in a text editor
    exported.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    page.templates.setPlainText("")
    with qtbot.waitSignal(page.sig_file, timeout=10000) as done:
        page.import_from(exported)
    assert done.args[0] is None and "已导入 2 个模板" in page.status.text()
    assert json.loads(page.templates.toPlainText()) == doc["templates"]
    shoot(qtbot, screenshot, window, "admin-notice-templates-imported")
    with qtbot.waitSignal(page.sig_saved, timeout=10000) as saved:
        page.save_button.click()
    assert isinstance(saved.args[0], dict) and saved.args[0]["templates"] == doc["templates"], saved.args[0]

    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "govhall-notice-templates",\n "version": 1,\n "templates": {"refusal": }}',
                      encoding="utf-8")
    before = page.templates.toPlainText()
    with qtbot.waitSignal(page.sig_file, timeout=10000) as done:
        page.import_from(broken)
    assert done.args[0].code == "template_file_not_json"
    assert "不是有效的 JSON" in page.status.text() and "第 3 行第 27 列" in page.status.text()
    lawless = tmp_path / "lawless.json"
    lawless.write_text(json.dumps({"format": FORMAT, "version": 1, "templates": {
        "refusal": {"blocks": [{"type": "paragraph", "text": "不予许可。"}]}}}), encoding="utf-8")
    with qtbot.waitSignal(page.sig_file, timeout=10000) as done:
        page.import_from(lawless)
    assert done.args[0].code == "notice_template_invalid" and "模板 refusal" in page.status.text()
    assert page.templates.toPlainText() == before  # nothing half-imported
    ops.wait()
