"""Staff alerts (新待办, 催办, 督办, 临近时限) as the server publishes them to the roles' sync scopes (table
`staff_alert`, server/notify/outbox.py): the latest few for the signed-in user's roles, newest first."""

from __future__ import annotations

from dataclasses import dataclass

from client.services.rowsql import RowSql
from shared.protocol.notifications import STAFF_ALERT_TABLE


@dataclass(frozen=True)
class StaffAlert:
    id: str
    event: str      # new_todo / urged / supervised / near_due
    role: str
    text: str       # the server's Chinese text
    at: str


def latest_alerts(sql: RowSql, roles: tuple[str, ...] | list[str], limit: int = 50) -> list[StaffAlert]:
    rows = sql.rows(STAFF_ALERT_TABLE, "1", "json_extract(row, '$.at') DESC", limit=limit)
    return [StaffAlert(r["id"], r["event"], r.get("role", ""), r["text"], r.get("at", ""))
            for r in rows if r.get("role") in roles]
