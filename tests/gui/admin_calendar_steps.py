"""Steps a journey reuses: the administrator enters the 2027 calendar through the 节假日历 page, the way a real
one would — paste the State Council's notice, give its number, import. The notice below is an example in the
published form (the real 2027 notice is not out when these tests are pinned); its make-up days are weekends."""

from __future__ import annotations

NOTICE_NUMBER = "国办发明电〔2026〕示例号"
NOTICE_2027 = """国务院办公厅关于2027年部分节假日安排的通知（示例）
各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
经国务院批准，现将2027年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。
一、元旦：1月1日（周五）至3日（周日）放假，共3天。
二、春节：2月5日（农历除夕、周五）至11日（周四）放假调休，共7天。2月14日（周日）、2月20日（周六）上班。
三、清明节：4月3日（周六）至5日（周一）放假，共3天。
四、劳动节：5月1日（周六）至5日（周三）放假调休，共5天。4月25日（周日）、5月8日（周六）上班。
五、端午节：6月9日（周三）放假，共1天。
六、中秋节：9月15日（周三）放假，共1天。
七、国庆节：10月1日（周五）至7日（周四）放假调休，共7天。9月26日（周日）、10月9日（周六）上班。
国务院办公厅
"""
HOLIDAYS_2027 = 3 + 7 + 3 + 5 + 1 + 1 + 7
MAKEUP_DAYS_2027 = 6


def enter_2027_calendar(qtbot, workspace, notice: str = NOTICE_2027):  # noqa: ANN001, ANN201
    """Open 节假日历 in an AdminWorkspace, import the notice for 2027 and wait until the server has it; the
    page (its table shows the entered days) is returned."""
    page = workspace.page("节假日历")
    if page.year.value() != 2027 or page.shown is None:
        with qtbot.waitSignal(page.sig_loaded, timeout=10000):
            page.year.setValue(2027) if page.year.value() != 2027 else page.refresh()
    page.text.setPlainText(notice)
    page.notice.setText(NOTICE_NUMBER)
    page.publish.setChecked(True)
    with qtbot.waitSignal(page.sig_changed, timeout=15000) as changed:
        page.run_import()
    year = changed.args[0]
    assert isinstance(year, dict) and year["status"] == "published", year
    return page
