"""The statistics tables' pure parts: quota use summed over days, and the formatted workbook (what Excel and WPS
show: bold shaded header, one-decimal figures, the 合计 line bold, the header frozen, columns wide enough)."""

from __future__ import annotations

from openpyxl import load_workbook

from client.services.stat_tables import StatTable, quota_shares
from client.services.xlsx_export import FIRST_ROW, read_xlsx, write_xlsx


def test_quota_use_is_issued_against_the_days_limits_and_unknown_when_a_day_had_none() -> None:
    use = {"2026-11-23": {"1": {"issued": 30, "limit": 40, "share": 0.75}, "2": {"issued": 5, "limit": None,
                                                                              "share": None}},
           "2026-11-24": {"1": {"issued": 10, "limit": 40, "share": 0.25}, "2": {"issued": 3, "limit": 10,
                                                                              "share": 0.3}}}
    assert quota_shares(use) == {"1": 50.0, "2": None}
    assert quota_shares({}) == {}


def test_the_workbook_is_formatted_and_reads_back_as_the_screen(tmp_path) -> None:  # noqa: ANN001
    table = StatTable("排队统计", ("业务", "取号", "平均等候（分）"), [("特种设备使用登记", 24, 2.0), ("计量业务", 3, None)],
                      [("1",), ("3",)], ("合计", 27, 1.8), filters="统计期间：2026-11-01 至 2026-11-23",
                      notes=["等候：取号至首次叫号。"])
    path = write_xlsx(table, tmp_path / "t.xlsx")
    ws = load_workbook(path).active
    assert ws["A1"].value == "排队统计" and ws["A1"].font.bold and "A1:C1" in ws.merged_cells
    assert ws["A2"].value.startswith("统计期间")
    header = ws.cell(FIRST_ROW, 1)
    assert header.font.bold and header.fill.fgColor.rgb.endswith("DCE6F2")
    assert ws.cell(FIRST_ROW + 1, 3).number_format == "0.0" and ws.cell(FIRST_ROW + 1, 3).value == 2.0
    assert ws.cell(FIRST_ROW + 3, 1).font.bold  # 合计
    assert ws.freeze_panes == f"B{FIRST_ROW + 1}"
    assert ws.column_dimensions["A"].width >= 2 * len("特种设备使用登记")
    assert read_xlsx(path) == (("业务", "取号", "平均等候（分）"),
                               [("特种设备使用登记", "24", "2.0"), ("计量业务", "3", "—"), ("合计", "27", "1.8")])


def test_the_views_share_one_read_of_a_range_until_a_ticket_changes(tmp_path) -> None:  # noqa: ANN001
    from client.services.hall_figures import HallFigures
    from client.services.reference import load_reference
    from client.services.rowsql import RowSql
    from tests.client.support import NOW, Clock, make_cache, publish_ticket

    engine = make_cache(tmp_path / "cache.sqlite3")
    reference = load_reference(engine)
    business = next(iter(reference.businesses))
    figures = HallFigures(RowSql(engine), reference, Clock())
    publish_ticket(engine, reference.hall_id, business, "A001", NOW)
    day = NOW.date()
    first = figures.queue_data(day, day)
    assert figures.queue_data(day, day) is first and len(first.tickets) == 1
    publish_ticket(engine, reference.hall_id, business, "A002", NOW, seq=2)
    assert [t.number for t in sorted(figures.queue_data(day, day).tickets, key=lambda t: t.number)] == ["A001",
                                                                                                     "A002"]
