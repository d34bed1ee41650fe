"""统计分析's ratings view with 一事一评: by department, by business or item, and by source, the windows' ticket
ratings and the cases' ratings sit side by side with their source named, each line equal to a recount of the
synced rows; the Excel export re-read equals the screen; the drill-down lists
the group's ratings."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session

from client.services.xlsx_export import read_xlsx
from shared.db.models import Business, Department, ServiceItem
from shared.queue.clock import CHINA_TZ
from tests.client.support import Clock, make_cache, publish_row, services, staff
from tests.gui.client_support import open_window, shoot

NOW = dt.datetime(2026, 11, 23, 17, 0, tzinfo=CHINA_TZ)
LEVEL_NAMES = ("非常满意", "满意", "基本满意", "不满意", "非常不满意")
CODES = ("very_satisfied", "satisfied", "basically_satisfied", "dissatisfied", "very_dissatisfied")


def _world(engine) -> tuple[dict, dict]:  # noqa: ANN001
    """Ticket and case ratings of the day (and one of another month, outside the period); returns the recount
    per (department name, source) and per source."""
    with Session(engine) as s:
        departments = dict(s.execute(select(Department.id, Department.name)).all())
        businesses = [(b.id, b.department_id) for b in s.scalars(select(Business).order_by(Business.id))][:2]
        items = [(i.code, i.department_id) for i in s.scalars(select(ServiceItem).order_by(ServiceItem.code))][:2]
    by_department: dict[tuple[str, str], Counter] = {}
    by_source: dict[str, Counter] = {}
    seq = 2000
    levels = ["very_satisfied", "satisfied", None, "dissatisfied", "basically_satisfied", "very_dissatisfied"]
    for n in range(12):
        seq += 3
        at = NOW - dt.timedelta(hours=6) + dt.timedelta(minutes=20 * n)
        level = levels[n % len(levels)]
        if n % 2 == 0:
            business, department = businesses[n // 2 % 2]
            ticket = str(uuid.uuid4())
            start = at - dt.timedelta(minutes=15)
            publish_row(engine, "queue_ticket", ticket, {
                "id": ticket, "hall_id": 1, "business_id": business, "display": f"A{n:03d}",
                "day": at.date().isoformat(), "channel": "dispenser", "priority_class": 3, "green_reason": None,
                "issued_at": [int(start.timestamp() * 1000), 0, "kiosk-1", n], "queue_key": [0, 0, "k", n],
                "state": "finished", "window_id": 1, "clerk": "clerk", "recalls": 0, "transfers": 0,
                "periods": [{"kind": "waiting", "start": start.isoformat(), "end": at.isoformat(), "window_id": None},
                            {"kind": "serving", "start": at.isoformat(), "end": at.isoformat(), "window_id": 1}],
                "flags": []}, seq=seq)
            rating = {"id": str(uuid.uuid4()), "hall_id": 1, "ticket_id": ticket, "window_id": 1, "clerk": "clerk",
                      "level": level, "reason": "等候太久" if level in ("dissatisfied", "very_dissatisfied") else "",
                      "at": at.isoformat()}
            publish_row(engine, "queue_rating", rating["id"], rating, seq=seq + 1)
            source = "排队取号"
        else:
            item, department = items[n // 2 % 2]
            case = str(uuid.uuid4())
            publish_row(engine, "approval_case", case, {"id": case, "hall_id": 1, "item_code": item,
                                                        "status": "closed", "case_number": f"C{n}"}, seq=seq)
            rating = {"id": str(uuid.uuid4()), "hall_id": 1, "case_id": case, "level": level or "satisfied",
                      "reason": "材料要求不一致" if level in ("dissatisfied", "very_dissatisfied") else "",
                      "at": at.isoformat(), "by": "citizen"}
            level = rating["level"]
            publish_row(engine, "case_rating", rating["id"], rating, seq=seq + 1)
            source = "一事一评"
        name = departments.get(department, "（未归属部门）") if department is not None else "（未归属部门）"
        by_department.setdefault((name, source), Counter())[level or "not_rated"] += 1
        by_source.setdefault(source, Counter())[level or "not_rated"] += 1
    return by_department, by_source


def _cells(counts: Counter) -> list[str]:
    rated = sum(counts[c] for c in CODES)
    good = sum(counts[c] for c in CODES[:3])
    return [str(counts[c]) for c in CODES] + [str(counts["not_rated"]), str(counts["dissatisfied"]
                                              + counts["very_dissatisfied"]),
                                              f"{100 * good / rated:.1f}" if rated else "—"]


def test_ratings_by_department_and_source_count_case_ratings_beside_the_windows(qtbot, tmp_path,  # noqa: ANN001
                                                                                screenshot) -> None:
    engine = make_cache(tmp_path / "cache.sqlite3")
    by_department, by_source = _world(engine)
    assert {s for _, s in by_department} == {"排队取号", "一事一评"}
    svc = services(tmp_path, staff("supervisor"), Clock(NOW), window=None, engine=engine)
    window, _, _ = open_window(qtbot, svc)
    ws = window.workspace
    ws.pages.setCurrentWidget(ws.statistics)
    stats = ws.statistics
    rv = stats.ratings
    stats.tabs.setCurrentWidget(rv)
    rv.first.setDate(NOW.date().replace(day=1))
    rv.last.setDate(NOW.date())
    rv.group.setCurrentIndex(rv.group.findData("rated_department"))
    with qtbot.waitSignal(rv.sig_shown, timeout=20000) as shown:
        rv.run()
    table = shown.args[0]
    screen = [[rv.table.item(i, c).text() for c in range(rv.table.columnCount())] for i in range(rv.table.rowCount())]
    assert [rv.table.horizontalHeaderItem(c).text() for c in range(rv.table.columnCount())] == [
        "部门", "来源", *LEVEL_NAMES, "未评价", "差评", "满意率（%）"]
    assert {(row[0], row[1]): row[2:] for row in screen[:-1]} == {k: _cells(c) for k, c in by_department.items()}
    assert screen[-1][0] == "合计" and screen[-1][2:] == _cells(sum(by_source.values(), Counter()))
    header, lines = read_xlsx(rv.export_xlsx(tmp_path / "ratings.xlsx"))
    assert list(header) == [rv.table.horizontalHeaderItem(c).text() for c in range(rv.table.columnCount())]
    assert [list(line) for line in lines] == screen
    assert any("一事一评" in note for note in table.notes)
    shoot(qtbot, screenshot, window, "statistics-ratings-sources")
    # drill-down: the case ratings of the first 一事一评 line
    row = next(i for i, line in enumerate(screen[:-1]) if line[1] == "一事一评")
    with qtbot.waitSignal(rv.sig_drilled, timeout=20000) as drilled:
        assert rv.open_rows(row)
    dialog = drilled.args[0]
    expected = sum(int(v) for v in screen[row][2:8])
    assert dialog.table.rowCount() == expected
    assert {dialog.table.item(i, 0).text() for i in range(dialog.table.rowCount())} == {"一事一评"}
    dialog.close()
    # by source: one line per source
    rv.group.setCurrentIndex(rv.group.findData("rated_source"))
    with qtbot.waitSignal(rv.sig_shown, timeout=20000):
        rv.run()
    screen = [[rv.table.item(i, c).text() for c in range(rv.table.columnCount())] for i in range(rv.table.rowCount())]
    assert {row[0]: row[1:] for row in screen[:-1]} == {k: _cells(c) for k, c in by_source.items()}
    header, lines = read_xlsx(rv.export_xlsx(tmp_path / "sources.xlsx"))
    assert [list(line) for line in lines] == screen
    # by business or item: a case's line names its item
    rv.group.setCurrentIndex(rv.group.findData("rated_business"))
    with qtbot.waitSignal(rv.sig_shown, timeout=20000):
        rv.run()
    screen = [[rv.table.item(i, c).text() for c in range(rv.table.columnCount())] for i in range(rv.table.rowCount())]
    assert sorted(row[1] for row in screen[:-1]).count("一事一评") == 2
    assert sum(int(row[2]) + int(row[3]) + int(row[4]) + int(row[5]) + int(row[6]) + int(row[7])
               for row in screen[:-1]) == 12
    shoot(qtbot, screenshot, window, "statistics-ratings-items")
