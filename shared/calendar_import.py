"""Reading a year's holidays and make-up working days from text an administrator pastes or loads from a file.

Two forms, mixable line by line:

1. CSV, one day a line: `2027-01-01,holiday,元旦` or `2027-02-06,workday,春节调休上班`. The kind is
   `holiday` (also 休 / 放假) or `workday` (also 班 / 上班); the name is optional. `#` starts a comment; a
   header line `date,kind,name` is allowed.
2. The State Council notice (国务院办公厅关于YYYY年部分节假日安排的通知) as published, e.g.
   `二、春节：2月6日至12日放假调休，共7天。2月3日（星期日）、2月14日（星期六）上班。`
   Dates before 放假 are holidays (a range `M月D日至[M月]D日` counts every day of it), dates before 上班 are
   make-up working days. Dates without a year are in the year being imported; `2026年12月31日` is taken as
   written.

Lines without a date instruction (the notice's title, greeting, preamble, signature) are skipped. A line that looks like
an instruction but cannot be read — a CSV line with a bad date or kind, a 放假/上班 sentence without a date — is
refused with its line number, and nothing of the text is used.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from shared.errors import DomainError

HOLIDAY_WORDS = {"holiday": False, "休": False, "放假": False, "workday": True, "班": True, "上班": True}
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_DATE = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日")
_RANGE = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日\s*[至到\-—～~]\s*(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日")
_PARENS = re.compile(r"[（(][^）)]*[）)]")
MAX_SPAN = 15  # days: no holiday of the notice is longer; a longer range is a typing error


class CalendarImportError(DomainError):
    code = "calendar_import_invalid"

    def __init__(self, line: int, reason: str) -> None:
        where = f"第{line}行：" if line else ""
        super().__init__(f"{where}{reason}", line=line, reason=reason)
        self.line, self.reason = line, reason


@dataclass(frozen=True)
class ImportedDay:
    day: dt.date
    is_workday: bool
    name: str
    line: int


def parse_calendar_text(text: str, year: int) -> list[ImportedDay]:
    """Every day the text decides, sorted by date; CalendarImportError on the first line that cannot be read."""
    found: dict[dt.date, ImportedDay] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip().lstrip("\ufeff")
        if not line:
            continue
        if _ISO.match(line.split(",", 1)[0]) or ("," in line and not _looks_like_notice(line)):
            days = _csv_line(line, number, year)
        elif ("放假" in line or "上班" in line) and ("：" in line or _DATE.search(line)):
            days = _notice_line(line, number, year)
        else:
            continue  # prose: a title, a greeting, the office's signature and date
        for day in days:
            earlier = found.get(day.day)
            if earlier is not None and earlier.is_workday != day.is_workday:
                raise CalendarImportError(number, f"{day.day.isoformat()} 与第{earlier.line}行矛盾（既放假又上班）")
            found.setdefault(day.day, day)
    if not found:
        raise CalendarImportError(0, "没有找到任何日期：请按“2027-01-01,holiday,元旦”逐行填写，或粘贴国务院办公厅通知的正文")
    return sorted(found.values(), key=lambda d: d.day)


def _looks_like_notice(line: str) -> bool:
    return "月" in line and "日" in line and ("放假" in line or "上班" in line)


def _csv_line(line: str, number: int, year: int) -> list[ImportedDay]:
    parts = [p.strip() for p in line.split(",")]
    if [p.lower() for p in parts[:2]] == ["date", "kind"]:
        return []  # the header
    if len(parts) < 2 or len(parts) > 3:
        raise CalendarImportError(number, "格式应为“日期,类型,名称”，例如 2027-01-01,holiday,元旦")
    iso = _ISO.match(parts[0])
    if iso is None:
        raise CalendarImportError(number, f"日期“{parts[0]}”应写成 YYYY-MM-DD")
    day = _date(number, int(iso[1]), int(iso[2]), int(iso[3]))
    kind = HOLIDAY_WORDS.get(parts[1].lower())
    if kind is None:
        raise CalendarImportError(number, f"类型“{parts[1]}”应为 holiday（放假）或 workday（上班）")
    _in_year(number, day, year)
    return [_checked(number, day, kind, parts[2] if len(parts) == 3 else "")]


def _notice_line(line: str, number: int, year: int) -> list[ImportedDay]:
    text = _PARENS.sub("", line)
    name, sep, rest = text.partition("：")
    if not sep:
        name, rest = "", text
    name = re.sub(r"^[一二三四五六七八九十]+[、.．]\s*", "", name).strip()
    days: list[ImportedDay] = []
    for clause in re.split(r"[。；;]", rest):
        if "放假" in clause:
            head = clause.split("放假", 1)[0]
            spans = _spans(head, number, year)
            if not spans:
                raise CalendarImportError(number, "“放假”前没有找到日期")
            for first, last in spans:
                day = first
                while day <= last:
                    days.append(_checked(number, day, False, name))
                    day += dt.timedelta(days=1)
        if "上班" in clause:
            head = clause.split("上班", 1)[0]
            if "放假" in head:
                head = head.split("放假", 1)[1]
            dates = [_date(number, int(y) if y else year, int(m), int(d)) for y, m, d in _DATE.findall(head)]
            if not dates:
                raise CalendarImportError(number, "“上班”前没有找到日期")
            days += [_checked(number, day, True, f"{name}调休上班" if name else "调休上班") for day in dates]
    if not days:
        raise CalendarImportError(number, "没有读懂这一行：应写明“M月D日放假”或“M月D日上班”")
    return days


def _spans(text: str, number: int, year: int) -> list[tuple[dt.date, dt.date]]:
    spans, rest = [], text
    for match in _RANGE.finditer(text):
        y1, m1, d1, y2, m2, d2 = match.groups()
        first = _date(number, int(y1) if y1 else year, int(m1), int(d1))
        last = _date(number, int(y2) if y2 else first.year, int(m2) if m2 else first.month, int(d2))
        if last < first or (last - first).days >= MAX_SPAN:
            raise CalendarImportError(number, f"日期范围“{match.group(0)}”不合理")
        spans.append((first, last))
        rest = rest.replace(match.group(0), " ")
    for y, m, d in _DATE.findall(rest):
        day = _date(number, int(y) if y else year, int(m), int(d))
        spans.append((day, day))
    return spans


def _date(number: int, year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CalendarImportError(number, f"{year}年{month}月{day}日 不是有效日期") from None


def _in_year(number: int, day: dt.date, year: int) -> None:
    if day.year != year:
        raise CalendarImportError(number, f"{day.isoformat()} 不在 {year} 年内")


def _checked(number: int, day: dt.date, is_workday: bool, name: str) -> ImportedDay:
    if is_workday and day.weekday() < 5:
        raise CalendarImportError(number, f"{day.isoformat()} 本来就是工作日（星期{'一二三四五'[day.weekday()]}），"
                                          "调休上班应是周末")
    return ImportedDay(day, is_workday, name[:200], number)
