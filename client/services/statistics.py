"""统计分析 for the workstation: case statistics from the server (GET /api/v1/statistics/cases, computed by
shared/approval/statistics over every case of the hall — a cache holds rows, not the replayed histories the
cycle net of stopped time needs), queue and rating statistics from the cache by shared/queue (HallFigures),
and the rows behind any group (drill-down) from the cache."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from client.services.admin_api import AdminApi
from client.services.hall_figures import QueueData
from client.services.rowsql import RowSql
from shared.queue import statistics as stats
from shared.queue.report import key_text
from shared.queue.tickets import Ticket

CASE_KEYS = {  # a case row's value for each dimension, as shared/approval/statistics keys it
    "year": lambda r: (r.get("received_on") or "")[:4],
    "quarter": lambda r: (f"{r['received_on'][:4]}-Q{(int(r['received_on'][5:7]) - 1) // 3 + 1}"
                          if r.get("received_on") else ""),
    "month": lambda r: (r.get("received_on") or "")[:7],
    "town": lambda r: r.get("town") or "",
    "item": lambda r: r.get("item_code") or "",
    "channel": lambda r: r.get("channel") or "",
    "department": lambda r: r.get("department") or "",
    "status": lambda r: r.get("status") or "",
}


class CaseStatistics:
    def __init__(self, api: AdminApi, sql: RowSql) -> None:
        self.api, self.sql = api, sql

    def fetch(self, by: Sequence[str], first: dt.date | None, last: dt.date | None) -> dict:
        """The server's answer; AdminError `admin_offline` when it cannot be reached."""
        return self.api.get("/statistics/cases", by=",".join(by), received_from=first and first.isoformat(),
                            received_to=last and last.isoformat())

    def rows(self, by: Sequence[str], key: Sequence[str], first: dt.date | None, last: dt.date | None) -> list[dict]:
        """The cached cases of one group, by case number."""
        where, params = ["1"], {}
        if first is not None:
            where.append("json_extract(row, '$.received_on') >= :first")
            params["first"] = first.isoformat()
        if last is not None:
            where.append("json_extract(row, '$.received_on') <= :last")
            params["last"] = last.isoformat()
        found = [r for r in self.sql.rows("approval_case", " AND ".join(where), params=params)
                 if all(CASE_KEYS[d](r) == k for d, k in zip(by, key))]
        return sorted(found, key=lambda r: r.get("case_number") or r["id"])


def tickets_of_group(data: QueueData, by: stats.GroupBy, key: str) -> list[Ticket]:
    return sorted((t for t in data.tickets if key_text(stats.ticket_key(by, t)) == key), key=lambda t: t.issued_wall)


def ratings_of_group(data: QueueData, by: stats.GroupBy, key: str) -> list:
    return sorted((r for r in data.ratings if key_text(stats.rating_key(by, r)) == key),
                  key=lambda r: r.recorded_at)
