"""证照规则 against a live server: the admin opens a licensing item, sees the default rule and the next number,
types a draft whose preview follows at once (a pattern without {seq} is refused in Chinese before saving and
blocks 保存), saves a rule and gets the next number under it; a refusal from the server (a pattern the page
lets through but the server's certificate check refuses) is shown in Chinese and nothing is saved."""

from __future__ import annotations

from shared.approval.definition import ADMINISTRATIVE_LICENCE
from tests.gui.client_support import open_window, shoot
from tests.gui.test_admin_calendar import _services


def _open(qtbot, services):  # noqa: ANN001, ANN202
    choice = next(c for c in services.catalogue.choices if c.category == ADMINISTRATIVE_LICENCE)
    window, ops, _ = open_window(qtbot, services)
    page = window.workspace.page("证照规则")
    qtbot.waitUntil(lambda: page.items.count() > 0, timeout=15000)
    with qtbot.waitSignal(page.sig_opened, timeout=10000) as opened:
        page.open(choice.item_code)
    return window, ops, page, choice.item_code, opened.args[0]


def test_the_admin_previews_and_saves_an_items_licence_rule(qtbot, server_url, sqlite_database, tmp_path,
                                                            screenshot) -> None:  # noqa: ANN001
    services = _services(tmp_path, server_url, sqlite_database)
    window, ops, page, code, shown = _open(qtbot, services)
    assert shown["configured"] is False and "尚未设置" in page.state.text()
    year = shown["year"]
    assert page.preview.text().startswith(f"{code}-{year}00001")  # the default rule, first serial of the year
    assert page.save_button.isEnabled()

    page.pattern.setText("{prefix}{year}")  # no serial: two licences would share a number
    assert "{seq}" in page.preview.text() and "流水号" in page.preview.text()
    assert not page.save_button.isEnabled()
    page.pattern.setText("{prefix}{year}-{seq:03d}")
    page.prefix.setText("东市监")
    page.validity.setValue(4)
    page.licence_name.setText("工业产品生产许可证")
    assert page.preview.text().startswith(f"东市监{year}-001") and "有效期 4 年" in page.preview.text()
    shoot(qtbot, screenshot, window, "admin-licence-rules")

    with qtbot.waitSignal(page.sig_saved, timeout=10000) as saved:
        page.save_button.click()
    rule = saved.args[0]
    assert isinstance(rule, dict) and rule["configured"], rule
    assert (rule["pattern"], rule["prefix"], rule["validity_years"], rule["next_number"]) == \
        ("{prefix}{year}-{seq:03d}", "东市监", 4, f"东市监{year}-001")
    assert "已保存" in page.message.text() and page.state.text() == "已设置"
    ops.wait()


def test_a_server_refusal_is_shown_in_chinese_and_nothing_is_saved(qtbot, server_url, sqlite_database,
                                                                   tmp_path, screenshot) -> None:  # noqa: ANN001
    services = _services(tmp_path, server_url, sqlite_database)
    window, ops, page, code, shown = _open(qtbot, services)
    page.shown = {**page.shown, "template": {"title": "{no_such_field}"}}  # a broken certificate override
    with qtbot.waitSignal(page.sig_saved, timeout=10000) as refused:
        page.save_button.click()
    assert refused.args[0].code == "notice_invalid_template"
    assert page.message.text().startswith("证书模板有误") and page.message.refused_code == "notice_invalid_template"
    assert page.save_button.isEnabled()
    shoot(qtbot, screenshot, window, "admin-licence-rules-refused")
    with qtbot.waitSignal(page.sig_opened, timeout=10000) as reopened:
        page.open(code)
    assert reopened.args[0]["configured"] is False  # nothing was saved
    ops.wait()
