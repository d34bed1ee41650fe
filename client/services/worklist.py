"""Approval worklists (待办 / 在办 / 已办 / 即将超期 / 超期) over the case index: a list is case ids in order
(fast for 100,000 cases); rows for the visible page are fetched apart and decorated with today's remaining
working days and card."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from client.services.case_index import CaseEntry, CaseIndex
from client.services.rowsql import RowSql
from shared.approval.clocks import Card, DueCard, due_card
from shared.approval.overdue import row_due
from shared.approval.events import local_day
from shared.approval.lifecycle import TERMINAL_NAMES
from shared.calendar import WorkCalendar

KINDS = ("todo", "doing", "done", "near_due", "overdue")


@dataclass(frozen=True)
class Filter:
    kind: str = "todo"
    search: str = ""
    department: str | None = None
    step: str | None = None


class Worklist:
    def __init__(self, sql: RowSql, index: CaseIndex, user: str, roles: Sequence[str], calendar: WorkCalendar,
                 clock: Callable[[], dt.datetime], *, everyone: bool = False,
                 step_names: dict[str, str] | None = None) -> None:
        """`everyone`: supervisors see every case of the hall, not only those at their own steps."""
        self.step_names = step_names or {}
        self.sql, self.index, self.user, self.roles = sql, index, user, frozenset(roles)
        self.calendar, self.clock, self.everyone = calendar, clock, everyone
        self._lists: tuple[tuple, dict[str, list[CaseEntry]]] = ((), {})
        self._lists_lock = threading.Lock()

    def today(self) -> dt.date:
        return local_day(self.clock())

    def lists(self) -> dict[str, list[CaseEntry]]:
        """Every tab's cases, computed in one pass per change of the index (or of the day) and reused by
        each filter, search and count until then."""
        with self._lists_lock:
            entries = self.index.entries()
            key = (self.index.generation, self.today(), getattr(self.calendar, "generation", 0))
            if self._lists[0] != key:
                tests = {k: self._test(Filter(kind=k)) for k in KINDS}
                lists: dict[str, list[CaseEntry]] = {k: [] for k in KINDS}
                for e in entries:
                    for k, test in tests.items():
                        if test(e):
                            lists[k].append(e)
                self._lists = (key, lists)
            return self._lists[1]

    def _test(self, f: Filter) -> Callable[[CaseEntry], bool]:
        cards = self.cards(self.today())
        roles, me, everyone = self.roles, self.user, self.everyone

        def mine(e: CaseEntry) -> bool:
            return not roles.isdisjoint(e.roles)

        tests = {
            "todo": lambda e: e.status not in TERMINAL_NAMES and mine(e),
            "doing": lambda e: e.status not in TERMINAL_NAMES and me in e.participants and not mine(e),
            "done": lambda e: me in e.participants and (e.status in TERMINAL_NAMES or not mine(e)),
            "near_due": lambda e: (e.status not in TERMINAL_NAMES and (everyone or mine(e)) and e.due is not None
                                   and cards(e.due).card is Card.YELLOW),
            "overdue": lambda e: (e.status not in TERMINAL_NAMES and (everyone or mine(e)) and e.due is not None
                                  and cards(e.due).card is Card.RED),
            "all": lambda e: e.status not in TERMINAL_NAMES,
        }
        base = tests[f.kind]
        needle = f.search.strip().lower()
        if not (needle or f.department or f.step):
            return base
        return lambda e: (base(e) and (not needle or needle in e.text)
                          and (not f.department or e.department == f.department)
                          and (not f.step or f.step in e.steps))

    def matching(self, f: Filter) -> list[CaseEntry]:
        needle = f.search.strip().lower()
        if needle:
            self.index.ensure()
            self.index.wait_names()  # a first build's names are opened on a thread right after it
        pool = self.lists()[f.kind] if f.kind in KINDS else self.index.entries()
        if not (needle or f.department or f.step):
            return pool if f.kind in KINDS else [e for e in pool if self._test(f)(e)]
        return [e for e in pool if (not needle or needle in e.text)
                and (not f.department or e.department == f.department) and (not f.step or f.step in e.steps)]

    def ids(self, f: Filter) -> list[str]:
        return [e.pk for e in self.matching(f)]

    def count(self, f: Filter) -> int:
        return len(self.matching(f))

    def counts(self, kinds: Sequence[str] = KINDS) -> dict[str, int]:
        lists = self.lists()
        return {k: len(lists[k]) for k in kinds}

    def rows(self, pks: Sequence[str]) -> dict[str, dict]:
        rows = self.sql.by_pks("approval_case", pks)
        today = self.today()
        known: dict[str | None, tuple[int | None, str]] = {}  # a page shares few due days: count each once
        for row in rows.values():
            due = row_due(row.get("clocks"))  # shared.approval.overdue: the lists' one rule
            if due not in known:
                known[due] = self.remaining(due, today)
            row["_remaining"], row["_card"] = known[due]
            if (row.get("clocks") or {}).get("served_late"):
                row["_card"] = Card.RED.value  # Art. 44: the decision was served after its day
            row["_due"] = due
            row["_item"] = self.index.item_names.get(row.get("item_code", ""), row.get("item_code", ""))
            row["_steps"] = [self.step_names.get(x, x) for x in row.get("current_steps", [])]
        return rows

    def cards(self, today: dt.date) -> Callable[[str], DueCard]:
        """The card today of the due day a case is judged by (ISO text: shared.approval.overdue.row_due), by
        shared.approval.clocks.due_card — as the server judges its case views (shared.approval.overdue) —
        worked out once per distinct due day (a hall's cases share few)."""
        known: dict[str, DueCard] = {}

        def card(due: str) -> DueCard:
            found = known.get(due)
            if found is None:
                found = known[due] = due_card(dt.date.fromisoformat(due), today, self.calendar)
            return found
        return card

    def remaining(self, due: str | None, today: dt.date) -> tuple[int | None, str]:
        """Working days left until the statutory due day (negative when over) and the card for today."""
        if not due:
            return None, Card.GREEN.value
        found = self.cards(today)(due)
        return found.remaining, found.card.value
