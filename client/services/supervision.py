"""督查督办 figures: near-due (yellow) and overdue (red) open cases by department and step (from the case
index, so a hall's whole caseload stays quick), and the latest written replies to supervisions."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from client.services.catalogue import CatalogueIndex
from client.services.rowsql import RowSql
from client.services.worklist import Worklist
from shared.approval.lifecycle import TERMINAL_NAMES
from shared.approval.clocks import Card
from shared.approval.errors import UnknownDefinition
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
        cards = self.worklist.cards(self.worklist.today())
        yellow, red = Counter(), Counter()
        for e in self.worklist.index.entries():
            if e.status in TERMINAL_NAMES or e.due is None:
                continue
            card = cards(e.due).card
            for step in e.steps:
                if card is Card.RED:
                    red[(e.department, step)] += 1
                elif card is Card.YELLOW:
                    yellow[(e.department, step)] += 1
        keys = set(yellow) | set(red)
        groups = [DueGroup(dep, step, yellow[(dep, step)], red[(dep, step)]) for dep, step in keys]
        return sorted(groups, key=lambda g: (-g.red, -g.yellow, g.department, g.step))

    def departments(self) -> list[tuple[str, int, int]]:
        """(department, near due, overdue) counting each open case once, worst first (the dashboard's view:
        a case at two parallel steps is one case late, not two)."""
        cards = self.worklist.cards(self.worklist.today())
        yellow, red = Counter(), Counter()
        for e in self.worklist.index.entries():
            if e.status in TERMINAL_NAMES or e.due is None:
                continue
            card = cards(e.due).card
            if card is Card.RED:
                red[e.department] += 1
            elif card is Card.YELLOW:
                yellow[e.department] += 1
        return sorted(((d, yellow[d], red[d]) for d in set(yellow) | set(red)), key=lambda g: (-g[2], -g[1], g[0]))

    def replies(self, limit: int = 50) -> list[Reply]:
        rows = self.sql.rows("approval_event", "json_extract(row, '$.action') = 'reply_supervision'",
                             "json_extract(row, '$.at') DESC", limit=limit)
        return [Reply(r["case_id"], r["actor"]["user_id"], r["at"], r["payload"].get("reply", "")) for r in rows]


def step_names(definitions: DefinitionCatalogue, catalogue: CatalogueIndex) -> dict[str, str]:
    """Step code → display name across the catalogue's definitions (审查, 审核 …)."""
    names: dict[str, str] = {}
    for choice in catalogue.choices:
        for situation in choice.situations:
            try:
                d = definitions.latest(choice.item_code, situation.code)
            except UnknownDefinition:  # not synced yet (a cache from before definitions were published)
                continue
            names.update({s.name: s.display_name for s in d.steps})
    return names
