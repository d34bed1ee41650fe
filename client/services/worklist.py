"""Approval worklists (待办 / 在办 / 已办 / 即将超期 / 超期) over the cached `approval_case` rows: the query
returns only case ids in order (fast even for 100,000 cases); rows for the visible page are fetched apart and
decorated with today's remaining working days and card."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from client.services.rowsql import RowSql, any_of
from shared.approval.clocks import DEFAULT_MARGIN
from shared.approval.events import local_day
from shared.calendar import CalendarNotPublished, WorkCalendar

KINDS = ("todo", "doing", "done", "near_due", "overdue")
FINISHED = ("not_accepted", "delivered", "withdrawn", "terminated")
STATUS = "json_extract(row, '$.status')"
DUE = "json_extract(row, '$.due')"
OPEN = f"{STATUS} NOT IN ({', '.join(repr(s) for s in FINISHED)})"
ORDER = f"{DUE} IS NULL, {DUE}, pk"


@dataclass(frozen=True)
class Filter:
    kind: str = "todo"
    search: str = ""
    department: str | None = None
    step: str | None = None


class Worklist:
    def __init__(self, sql: RowSql, user: str, roles: Sequence[str], calendar: WorkCalendar,
                 clock: Callable[[], dt.datetime], *, everyone: bool = False) -> None:
        """`everyone`: supervisors see every case of the hall, not only those at their own steps."""
        self.sql, self.user, self.roles, self.calendar, self.clock = sql, user, tuple(roles), calendar, clock
        self.everyone = everyone

    def today(self) -> dt.date:
        return local_day(self.clock())

    def _where(self, f: Filter) -> tuple[str, dict]:
        mine, params = any_of("$.handler_roles", self.roles, "r")
        me, me_params = any_of("$.participants", [self.user], "u")
        params.update(me_params)
        today = self.today()
        params["today"] = today.isoformat()
        scope = "1" if self.everyone else mine
        parts = {
            "todo": [OPEN, mine],
            "doing": [OPEN, me, f"NOT {mine}"],
            "done": [me, f"({STATUS} IN ({', '.join(repr(s) for s in FINISHED)}) OR NOT {mine})"],
            "near_due": [OPEN, scope, f"{DUE} >= :today", f"{DUE} <= :yellow"],
            "overdue": [OPEN, scope, f"{DUE} < :today"],
            "all": [OPEN],
        }[f.kind]
        if f.kind == "near_due":
            params["yellow"] = self._add_workdays(today, DEFAULT_MARGIN).isoformat()
        if f.search.strip():
            params["q"] = f"%{f.search.strip()}%"
            parts.append("(json_extract(row, '$.case_no') LIKE :q OR json_extract(row, '$.applicant_name') LIKE :q"
                         " OR json_extract(row, '$.item_name') LIKE :q)")
        if f.department:
            params["dep"] = f.department
            parts.append("json_extract(row, '$.department') = :dep")
        if f.step:
            step, step_params = any_of("$.current_steps", [f.step], "s")
            params.update(step_params)
            parts.append(step)
        return " AND ".join(parts), params

    def ids(self, f: Filter) -> list[str]:
        where, params = self._where(f)
        return self.sql.pks("approval_case", where, ORDER, params)

    def count(self, f: Filter) -> int:
        where, params = self._where(f)
        return self.sql.count("approval_case", where, params)

    def rows(self, pks: Sequence[str]) -> dict[str, dict]:
        rows = self.sql.by_pks("approval_case", pks)
        today = self.today()
        for row in rows.values():
            row["_remaining"], row["_card"] = self.remaining(row.get("due"), today)
        return rows

    def remaining(self, due: str | None, today: dt.date) -> tuple[int | None, str]:
        """Working days left until the statutory due day (negative when over) and the card for today."""
        if not due:
            return None, "green"
        day = dt.date.fromisoformat(due)
        try:
            left = (self.calendar.workdays_between(today, day) if day >= today
                    else -self.calendar.workdays_between(day, today))
        except CalendarNotPublished:
            left = (day - today).days
        card = "red_card" if left < 0 else "yellow_card" if left <= DEFAULT_MARGIN else "green"
        return left, card

    def _add_workdays(self, day: dt.date, n: int) -> dt.date:
        try:
            return self.calendar.add_workdays(day, n)
        except CalendarNotPublished:
            return day + dt.timedelta(days=n)
