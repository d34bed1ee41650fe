"""文书设置's template texts as a form against a live server: the admin picks 受理通知书, types a new title and
changes one paragraph in plain fields (no JSON written by hand); the overrides hold exactly those changes, the
preview renders them, the save stores them and a reload shows them in the form; typing the shipped title back
removes that override."""

from __future__ import annotations

import json

from shared.notices.templates import default_template_dicts
from tests.gui.client_support import shoot
from tests.gui.test_admin_notices_and_audit import _open


def test_the_admin_edits_a_notices_texts_in_a_form(qtbot, server_url, sqlite_database, tmp_path,
                                                   screenshot) -> None:  # noqa: ANN001
    services, window, ops, workspace = _open(qtbot, server_url, sqlite_database, tmp_path)
    page = workspace.page("文书设置")
    qtbot.waitUntil(lambda: page.codes.text() != "", timeout=10000)
    form = page.texts
    form.template_box.setCurrentIndex(form.template_box.findData("acceptance"))
    shipped = default_template_dicts()["acceptance"]
    assert form.edits["title"].text() == shipped["title"] == "受理通知书"
    paragraphs = [b["text"] for b in shipped["blocks"] if b["type"] == "paragraph"]
    assert [box.toPlainText() for box in form.paragraphs if box.isVisibleTo(form)] == paragraphs

    title = form.edits["title"]
    title.setText("受理通知书（窗口版）")  # (QTest cannot type Chinese; the field reacts to any change)
    form.paragraphs[2].setPlainText("请妥善保管本通知书，凭办件编号和查询码查询办理进度。")
    overrides = json.loads(page.templates.toPlainText())
    changed = [b["text"] for b in overrides["acceptance"]["blocks"] if b["type"] == "paragraph"]
    assert set(overrides) == {"acceptance"} and set(overrides["acceptance"]) == {"title", "blocks"}
    assert overrides["acceptance"]["title"] == "受理通知书（窗口版）"
    assert changed == paragraphs[:2] + ["请妥善保管本通知书，凭办件编号和查询码查询办理进度。"] + paragraphs[3:]
    page.template_tabs.setCurrentIndex(1)  # 模板文字
    shoot(qtbot, screenshot, window, "admin-notice-texts")

    assert page.kind_box.currentData() == "acceptance"  # the preview follows the notice being edited
    with qtbot.waitSignal(page.sig_preview, timeout=30000) as shown:
        page.preview_button.click()
    assert isinstance(shown.args[0], bytes) and shown.args[0].startswith(b"\x89PNG"), shown.args[0]
    with qtbot.waitSignal(page.sig_saved, timeout=10000) as saved:
        page.save_button.click()
    assert isinstance(saved.args[0], dict) and saved.args[0]["templates"] == overrides, saved.args[0]

    page.templates.setPlainText("")  # gone from the draft; the reload brings the stored texts back
    assert form.edits["title"].text() == "受理通知书"
    with qtbot.waitSignal(page.sig_loaded, timeout=10000):
        page.refresh()
    qtbot.waitUntil(lambda: form.edits["title"].text() == "受理通知书（窗口版）", timeout=5000)
    assert form.paragraphs[2].toPlainText() == "请妥善保管本通知书，凭办件编号和查询码查询办理进度。"
    title.setText("受理通知书")  # the shipped title again: no override for it
    assert set(json.loads(page.templates.toPlainText())["acceptance"]) == {"blocks"}
    ops.wait()
