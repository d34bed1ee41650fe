"""督查督办 figures: near-due (yellow) and overdue (red) open cases by department and step, and the latest
written replies to supervisions — aggregated in SQL so a hall's whole caseload stays quick."""

from __future__ import annotations

from dataclasses import dataclass

from client.services.catalogue import CatalogueIndex
from client.services.rowsql import RowSql
from client.services.worklist import DUE, OPEN, Worklist
from shared.approval.clocks import DEFAULT_MARGIN
from shared.approval.registry import DefinitionCatalogue


@dataclass(frozen=True)
class DueGroup:
    department: str
    step: str
    yellow: int
    red: int


@dataclass(frozen=True)
class Reply:
    case_id: str
    by: str
    at: str
    reply: str


class SupervisionBoard:
    def __init__(self, sql: RowSql, worklist: Worklist) -> None:
        self.sql, self.worklist = sql, worklist

    def groups(self) -> list[DueGroup]:
        today = self.worklist.today()
        params = {"today": today.isoformat(),
                  "yellow": self.worklist._add_workdays(today, DEFAULT_MARGIN).isoformat()}
        rows = self.sql.query("approval_case", f"""
            SELECT json_extract(row, '$.department') AS dep, s.value AS step,
                   sum({DUE} >= :today AND {DUE} <= :yellow) AS yellow, sum({DUE} < :today) AS red
            FROM merged, json_each(merged.row, '$.current_steps') AS s
            WHERE {OPEN} GROUP BY dep, step HAVING yellow + red > 0 ORDER BY red DESC, yellow DESC, dep, step""",
                              params)
        return [DueGroup(dep or "", step, int(yellow or 0), int(red or 0)) for dep, step, yellow, red in rows]

    def replies(self, limit: int = 50) -> list[Reply]:
        rows = self.sql.rows("approval_event", "json_extract(row, '$.action') = 'reply_supervision'",
                             "json_extract(row, '$.at') DESC", limit=limit)
        return [Reply(r["case_id"], r["actor"]["user_id"], r["at"], r["payload"].get("reply", "")) for r in rows]


def step_names(definitions: DefinitionCatalogue, catalogue: CatalogueIndex) -> dict[str, str]:
    """Step code → display name across the catalogue's definitions (审查, 审核 …)."""
    names: dict[str, str] = {}
    for choice in catalogue.choices:
        for situation in choice.situations:
            d = definitions.latest(choice.item_code, situation.code)
            names.update({s.name: s.display_name for s in d.steps})
    return names
