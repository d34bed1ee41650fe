"""Reading a year's holidays from what an administrator has: a CSV list or the State Council notice pasted as
published; garbage refused with its line number. And when the missing-year warning shows."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.calendar import WorkCalendar
from shared.calendar_import import CalendarImportError, parse_calendar_text
from shared.calendar_warning import calendar_warning

D = dt.date

# The 2025 notice (国办发明电〔2024〕12号) as published, title, greeting and signature included.
NOTICE_2025 = """国务院办公厅关于2025年部分节假日安排的通知
各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
经国务院批准，现将2025年元旦、春节、清明节、劳动节、端午节、国庆节和中秋节放假调休日期的具体安排通知如下。
一、元旦：1月1日（周三）放假1天，不调休。
二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。1月26日（周日）、2月8日（周六）上班。
三、清明节：4月4日（周五）至6日（周日）放假，共3天。
四、劳动节：5月1日（周四）至5日（周一）放假调休，共5天。4月27日（周日）上班。
五、端午节：5月31日（周六）至6月2日（周一）放假，共3天。
六、国庆节、中秋节：10月1日（周三）至8日（周三）放假调休，共8天。9月28日（周日）、10月11日（周六）上班。
节假日期间，各地区、各部门要妥善安排好值班和安全、保卫、疫情防控等工作。
国务院办公厅
2024年11月12日
"""


def test_the_state_councils_notice_as_published_gives_the_official_2025_calendar() -> None:
    days = parse_calendar_text(NOTICE_2025, 2025)
    entered = WorkCalendar({d.day: d.is_workday for d in days}, published_years=[2099])
    # Compared with the packaged official data for 2025, day by day over the whole year.
    official = WorkCalendar()
    day = D(2025, 1, 1)
    while day.year == 2025:
        if day in {d.day for d in days}:
            assert entered.is_workday(day) == official.is_workday(day), day
        else:
            assert official.is_workday(day) == (day.weekday() < 5), day
        day += dt.timedelta(days=1)
    spring = [d for d in days if d.name == "春节"]
    assert (spring[0].day, spring[-1].day, len(spring)) == (D(2025, 1, 28), D(2025, 2, 4), 8)
    makeup = {d.day: d.name for d in days if d.is_workday}
    assert makeup == {D(2025, 1, 26): "春节调休上班", D(2025, 2, 8): "春节调休上班", D(2025, 4, 27): "劳动节调休上班",
                      D(2025, 9, 28): "国庆节、中秋节调休上班", D(2025, 10, 11): "国庆节、中秋节调休上班"}


def test_csv_lines_with_header_comments_and_chinese_kinds() -> None:
    text = "date,kind,name\n# 2027 示例\n2027-01-01,holiday,元旦\n\n2027-02-06,班,春节调休上班\n2027-02-10,休\n"
    days = parse_calendar_text(text, 2027)
    assert [(d.day, d.is_workday, d.name, d.line) for d in days] == [
        (D(2027, 1, 1), False, "元旦", 3), (D(2027, 2, 6), True, "春节调休上班", 5), (D(2027, 2, 10), False, "", 6)]


@pytest.mark.parametrize(("text", "line", "words"), [
    ("2027-01-01,holiday,元旦\n2027-13-01,holiday,x", 2, "不是有效日期"),
    ("2027-01-01,vacation,元旦", 1, "类型"),
    ("2027/01/01,holiday", 1, "YYYY-MM-DD"),
    ("2026-12-31,holiday,跨年", 1, "不在 2027 年内"),
    ("2027-01-02,holiday\n2027-01-02,workday", 2, "矛盾"),
    ("2027-01-04,workday,周一", 1, "本来就是工作日"),
    ("一、元旦：放假1天", 1, "没有找到日期"),
    ("说明\n二、春节：2月6日至3月30日放假", 2, "不合理"),
    ("hello, world", 1, "YYYY-MM-DD"),
    ("2027-01-01", 1, "格式"),
    ("hello world", 0, "没有找到任何日期"),
])
def test_garbage_is_refused_with_its_line(text: str, line: int, words: str) -> None:
    with pytest.raises(CalendarImportError) as refused:
        parse_calendar_text(text, 2027)
    assert refused.value.line == line and words in refused.value.reason
    assert refused.value.code == "calendar_import_invalid"


def test_an_explicit_year_in_the_notice_is_taken_as_written() -> None:
    days = parse_calendar_text("一、元旦：2022年12月31日至2023年1月2日放假调休，共3天。", 2023)
    assert [d.day for d in days] == [D(2022, 12, 31), D(2023, 1, 1), D(2023, 1, 2)]


class _Years:
    def __init__(self, *known: int) -> None:
        self.known = set(known)

    def knows_year(self, year: int) -> bool:
        return year in self.known


def test_the_warning_starts_for_admins_on_1_november_and_is_late_from_1_december() -> None:
    assert calendar_warning(_Years(2026), D(2026, 10, 31)) is None
    early = calendar_warning(_Years(2026), D(2026, 11, 1))
    assert early is not None and early.year == 2027 and not early.late
    late = calendar_warning(_Years(2026), D(2026, 12, 1))
    assert late is not None and late.year == 2027 and late.late
    assert calendar_warning(_Years(2026, 2027), D(2026, 12, 20)) is None
    missing_now = calendar_warning(_Years(2026), D(2027, 3, 6))  # the suite's faked day: 2027 not entered
    assert missing_now is not None and missing_now.year == 2027 and missing_now.late


def test_the_calendar_knows_a_year_once_it_is_published() -> None:
    assert WorkCalendar().knows_year(2026) and not WorkCalendar().knows_year(2027)
    assert WorkCalendar({D(2027, 1, 1): False}).knows_year(2027) is False  # one day entered is not the year
    assert WorkCalendar(published_years=[2027]).knows_year(2027)
