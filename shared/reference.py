"""Reference data through hall sync: the server publishes the rows of the reference tables (organisation,
catalogue, staff, calendar) to each hall's scope; a client applies them to the same ORM tables in its cache,
so screens read halls, windows, businesses and the catalogue with ordinary queries, offline too.

Rows travel as JSON (dates, times and decimals as text) and are projected back with the column types. Staff
rows leave out everything secret (password hash, failed attempts, lock). Composite keys are joined with "|".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Date, DateTime, Integer, Numeric, Table, Time, TypeDecorator, delete, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from shared.db.base import Base
from shared.db.models import (Business, CalendarOverride, CalendarYear, Centre, Department, Floor, Hall, Material,
                              Quota, ServiceItem, Situation, StaffRole, StaffUser, SubItem, Town, Window,
                              WindowBusiness)

# Parents before children: applied in this order, deleted in the reverse.
MODELS = (Centre, Hall, Floor, Department, Town, Business, Quota, Window, WindowBusiness, ServiceItem, SubItem,
          Situation, Material, StaffUser, StaffRole, CalendarOverride, CalendarYear)
TABLES: dict[str, Table] = {m.__tablename__: m.__table__ for m in MODELS}
ORDER = {name: i for i, name in enumerate(TABLES)}
SECRET_COLUMNS = {"staff_user": {"password_hash", "failed_attempts", "locked_until"}}


def columns(table: Table) -> list:
    hidden = SECRET_COLUMNS.get(table.name, set())
    return [c for c in table.columns if c.name not in hidden]


def key_of(table: Table, row: dict) -> str:
    return "|".join(str(row[c.name]) for c in table.primary_key.columns)


def encode(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.time, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def row_of(obj: Base) -> dict:
    """The JSON-safe published form of an ORM object."""
    table = obj.__table__
    return {c.name: encode(getattr(obj, c.key)) for c in columns(table)}


def _decode(column, value: Any) -> Any:  # noqa: ANN001
    if value is None:
        return None
    kind = column.type.impl if isinstance(column.type, TypeDecorator) else column.type
    if isinstance(kind, DateTime):
        return dt.datetime.fromisoformat(value)
    if isinstance(kind, Date):
        return dt.date.fromisoformat(value)
    if isinstance(kind, Time):
        return dt.time.fromisoformat(value)
    if isinstance(kind, Numeric):
        return Decimal(value)
    if isinstance(kind, Integer) and isinstance(value, str):
        return int(value)  # a part of a composite key
    return value


def _key_condition(table: Table, pk: str) -> list:
    keys = list(table.primary_key.columns)
    return [c == _decode(c, part) for c, part in zip(keys, pk.split("|"))]


def _values(table: Table, row: dict) -> dict:
    return {c.name: _decode(c, row.get(c.name)) for c in columns(table) if c.name in row}


def project(conn: Connection, changes: Iterable[dict]) -> int:
    """Apply reference changes ({table, pk, op, row}) to the cache's ORM tables, parents first. Returns how
    many were applied; changes to other tables are ignored."""
    mine = sorted((ch for ch in changes if ch["table"] in TABLES),
                  key=lambda ch: (ch["op"] == "delete", ORDER[ch["table"]] * (-1 if ch["op"] == "delete" else 1)))
    for ch in mine:
        table = TABLES[ch["table"]]
        if ch["op"] == "delete":
            conn.execute(delete(table).where(*_key_condition(table, ch["pk"])))
            continue
        values = _values(table, ch["row"])
        stmt = sqlite_insert(table).values(**values)
        keys = [c.name for c in table.primary_key.columns]
        updates = {k: v for k, v in values.items() if k not in keys}
        conn.execute(stmt.on_conflict_do_update(index_elements=keys, set_=updates) if updates
                     else stmt.on_conflict_do_nothing(index_elements=keys))
    return len(mine)


def prune(conn: Connection, present: dict[str, set[str]]) -> int:
    """After a snapshot: delete cached reference rows the snapshot no longer has (children first)."""
    dropped = 0
    for name in reversed(list(TABLES)):
        if name not in present:
            continue
        table = TABLES[name]
        for row in conn.execute(select(*table.primary_key.columns)).mappings():
            pk = key_of(table, dict(row))
            if pk not in present[name]:
                conn.execute(delete(table).where(*[c == row[c.name] for c in table.primary_key.columns]))
                dropped += 1
    return dropped
