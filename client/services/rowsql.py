"""SQL over the sync cache's merged rows (confirmed rows with unsent optimistic rows over them), for lists
too big to load whole (100,000 cases): callers filter and sort with json_extract and page by primary key.
The only place in the client that builds queries on the sync tables."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from sqlalchemy import Engine, text

from shared.db.engine import reader
from shared.sync.cache_seal import sealer_of

# The newest pending row per key (outbox order) wins over the confirmed row; a pending NULL/'null' deletes.
MERGED = """
WITH pend AS (
  SELECT p.pk AS pk, p.row AS row, o.seq AS seq FROM sync_pending p
  JOIN sync_outbox o ON o.command_id = p.command_id WHERE p.tbl = :tbl
), latest AS (
  SELECT pk, row FROM pend WHERE seq = (SELECT max(seq) FROM pend p2 WHERE p2.pk = pend.pk)
), merged AS (
  SELECT pk, row FROM sync_confirmed WHERE tbl = :tbl AND pk NOT IN (SELECT pk FROM pend)
  UNION ALL
  SELECT pk, row FROM latest WHERE row IS NOT NULL AND row != 'null'
)
"""

CASE_EVENTS = "SELECT pk, row FROM sync_confirmed WHERE case_id = :case"  # ix_sync_confirmed_case
PENDING_CASE_EVENTS = (
    "SELECT p.pk, p.row FROM sync_pending p JOIN sync_outbox o ON o.command_id = p.command_id "
    "WHERE p.tbl = 'approval_event' AND json_extract(p.row, '$.case_id') = :case ORDER BY o.seq")


class RowSql:
    def __init__(self, engine: Engine) -> None:
        # Reads only: never the write lock (the workstation's cache takes it at BEGIN), so a read made while
        # this thread's own write transaction is open does not wait for it.
        self.engine = reader(engine)
        self.sealer = sealer_of(engine)  # personal fields are sealed in the cache: opened as rows are read

    def pks(self, table: str, where: str = "1", order: str = "pk", params: dict | None = None) -> list[str]:
        sql = f"{MERGED} SELECT pk FROM merged WHERE {where} ORDER BY {order}"
        with self.engine.connect() as conn:
            return [r[0] for r in conn.execute(text(sql), {"tbl": table, **(params or {})})]

    def rows(self, table: str, where: str = "1", order: str = "pk", params: dict | None = None,
             limit: int | None = None) -> list[dict]:
        sql = f"{MERGED} SELECT pk, row FROM merged WHERE {where} ORDER BY {order}"
        if limit:
            sql += f" LIMIT {int(limit)}"
        with self.engine.connect() as conn:
            return [self._open(table, pk, _load(row))
                    for pk, row in conn.execute(text(sql), {"tbl": table, **(params or {})})]

    def version(self, tables: Sequence[str]) -> tuple:
        """Changes whenever a row of these tables does (pulled, removed or queued): what a cached computation
        over them is keyed by."""
        marks = ",".join(f":t{i}" for i in range(len(tables)))
        params = {f"t{i}": t for i, t in enumerate(tables)}
        with self.engine.connect() as conn:
            return tuple(conn.execute(text(
                f"SELECT (SELECT max(seq) FROM sync_confirmed WHERE tbl IN ({marks})), "
                f"(SELECT count(*) FROM sync_confirmed WHERE tbl IN ({marks})), "
                f"(SELECT count(*) FROM sync_pending WHERE tbl IN ({marks})), "
                f"(SELECT max(seq) FROM sync_outbox)"), params).one())

    def by_pks(self, table: str, pks: Sequence[str]) -> dict[str, dict]:
        """Rows for one page of keys (the lazy models call this for the rows on screen): confirmed rows by
        primary key, then the unsent optimistic rows over them — both index lookups, never a scan."""
        out: dict[str, dict] = {}
        for start in range(0, len(pks), 500):
            chunk = list(pks[start:start + 500])
            marks = ",".join(f":k{i}" for i in range(len(chunk)))
            params = {"tbl": table, **{f"k{i}": k for i, k in enumerate(chunk)}}
            with self.engine.connect() as conn:
                out.update({pk: _load(row) for pk, row in conn.execute(text(
                    f"SELECT pk, row FROM sync_confirmed WHERE tbl = :tbl AND pk IN ({marks})"), params)})
                overlay = conn.execute(text(
                    "SELECT p.pk, p.row FROM sync_pending p JOIN sync_outbox o ON o.command_id = p.command_id "
                    f"WHERE p.tbl = :tbl AND p.pk IN ({marks}) ORDER BY o.seq"), params)
                for pk, row in overlay:
                    if row is None or row == "null":
                        out.pop(pk, None)
                    else:
                        out[pk] = _load(row)
        return {pk: self._open(table, pk, row) for pk, row in out.items()}

    def _open(self, table: str, pk: str, row: dict) -> dict:
        return row if self.sealer is None else self.sealer.open_row(table, pk, row)

    def case_events(self, case_id: str) -> list[dict]:
        """One case's approval events in order: confirmed ones by the case_id index (a generated column,
        migration 0003), then its unsent optimistic ones over them."""
        params = {"case": case_id}
        with self.engine.connect() as conn:
            rows = {pk: _load(row) for pk, row in conn.execute(text(CASE_EVENTS), params)}
            rows.update({pk: _load(row) for pk, row in conn.execute(text(PENDING_CASE_EVENTS), params)})
        return sorted(rows.values(), key=lambda r: r["seq"])

    def query(self, table: str, select_sql: str, params: dict | None = None) -> list[tuple]:
        """Any read over the merged rows: `select_sql` reads FROM merged (aggregates for supervision)."""
        with self.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(f"{MERGED} {select_sql}"), {"tbl": table, **(params or {})})]

    def count(self, table: str, where: str = "1", params: dict | None = None) -> int:
        sql = f"{MERGED} SELECT count(*) FROM merged WHERE {where}"
        with self.engine.connect() as conn:
            return int(conn.execute(text(sql), {"tbl": table, **(params or {})}).scalar() or 0)


def any_of(path: str, values: Iterable[str], name: str) -> tuple[str, dict]:
    """A condition "the JSON array at `path` holds one of `values`", with its parameters."""
    values = list(values) or ["\x00"]
    marks = ",".join(f":{name}{i}" for i in range(len(values)))
    return (f"EXISTS (SELECT 1 FROM json_each(row, '{path}') WHERE value IN ({marks}))",
            {f"{name}{i}": v for i, v in enumerate(values)})


def _load(value: object) -> dict:
    return json.loads(value) if isinstance(value, str) else value  # type: ignore[return-value]
