"""An in-memory index of the cached cases for worklists, search and supervision figures. JSON rows in SQLite
cannot be filtered and sorted fast enough for 100,000 cases (≈0.5 s a query), so the index is read once off
the GUI thread — one json_extract per row — then every list, count and search is a pass over plain tuples
(tens of milliseconds). It is kept fresh per case after local actions and by sync cursor after pulls."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Engine, text

from client.services.rowsql import MERGED

FIELDS = ("case_number", "status", "clocks.statutory_due", "step_roles", "department", "current_steps",
          "applicant_name", "item_code")
EXTRACT = "json_extract(row, " + ", ".join(f"'$.{f}'" for f in FIELDS) + ")"


@dataclass(frozen=True, slots=True)
class CaseEntry:
    pk: str
    case_number: str
    status: str
    due: str | None
    roles: frozenset[str]
    participants: frozenset[str]
    department: str
    steps: tuple[str, ...]
    text: str  # what search matches: number, applicant (masked), item

    @property
    def order(self) -> tuple:
        return (self.due is None, self.due or "", self.pk)


def _entry(pk: str, values: list, participants: frozenset[str], item_names: dict[str, str]) -> CaseEntry:
    d = dict(zip(FIELDS, values))
    item = item_names.get(d["item_code"] or "", d["item_code"] or "")
    return CaseEntry(pk, d["case_number"] or "", d["status"] or "", d["clocks.statutory_due"],
                     frozenset(d["step_roles"] or ()), participants, d["department"] or "",
                     tuple(d["current_steps"] or ()),
                     f"{d['case_number'] or ''}\n{d['applicant_name'] or ''}\n{item}".lower())


class CaseIndex:
    def __init__(self, engine: Engine, user: str = "", item_names: dict[str, str] | None = None) -> None:
        """`user`: whose 在办/已办 (cases this user acted on, from the events); `item_names`: code → name."""
        self.engine, self.user, self.item_names = engine, user, item_names or {}
        self._entries: dict[str, CaseEntry] = {}
        self._sorted: list[CaseEntry] = []
        self._cursors: dict[str, int] | None = None
        self.generation = 0  # grows with every change, so derived lists know when to recompute
        self._lock = threading.Lock()
        self._loading = threading.Lock()  # one (re)load at a time; a second caller then finds it fresh

    def _mine(self, conn) -> set[str]:  # noqa: ANN001
        """Cases this user acted on: the rows carry no participants, the events do."""
        sql = f"{MERGED} SELECT DISTINCT json_extract(row, '$.case_id') FROM merged WHERE " \
              "json_extract(row, '$.actor.user_id') = :me"
        return {r[0] for r in conn.execute(text(sql), {"tbl": "approval_event", "me": self.user})}

    def _read(self, where: str = "1", params: dict | None = None) -> dict[str, CaseEntry]:
        sql = f"{MERGED} SELECT pk, {EXTRACT} FROM merged WHERE {where}"
        me, nobody = frozenset({self.user}), frozenset()
        with self.engine.connect() as conn:
            mine = self._mine(conn)
            return {pk: _entry(pk, json.loads(values), me if pk in mine else nobody, self.item_names)
                    for pk, values in conn.execute(text(sql), {"tbl": "approval_case", **(params or {})})}

    def _cursor_state(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            cursors = dict(conn.execute(text("SELECT scope, cursor FROM sync_cursor")).all())
            cursors["#outbox"] = conn.execute(text("SELECT coalesce(max(seq), 0) FROM sync_outbox")).scalar()
        return cursors

    def ensure(self) -> None:
        """Load on first use; reload when sync moved a cursor or a command was queued since the last load."""
        with self._loading:
            state = self._cursor_state()
            if state == self._cursors:
                return
            entries = self._read()
            ordered = sorted(entries.values(), key=lambda e: e.order)
            with self._lock:
                self._entries, self._cursors, self._sorted = entries, state, ordered
                self.generation += 1

    def update(self, pks: Iterable[str]) -> None:
        """Re-read a few cases (after this workstation acted on them)."""
        pks = list(pks)
        self.ensure()
        marks = ",".join(f":k{i}" for i in range(len(pks)))
        fresh = self._read(f"pk IN ({marks})", {f"k{i}": pk for i, pk in enumerate(pks)}) if pks else {}
        with self._lock:
            for pk in pks:
                self._entries.pop(pk, None)
            self._entries.update(fresh)
            self._sorted = sorted(self._entries.values(), key=lambda e: e.order)
            self._cursors = self._cursor_state()
            self.generation += 1

    def case_number(self, pk: str) -> str:
        entry = self._entries.get(pk)
        return entry.case_number if entry else pk[:8]

    def entries(self) -> list[CaseEntry]:
        """All cases, ordered by due day (none last), then id."""
        self.ensure()
        return self._sorted
