"""Local persistence of sync state: meta values, cursors, confirmed rows (applied page by page, each page with
its cursors in one transaction) and the merged view readers use (pending over confirmed)."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping

from sqlalchemy import Connection, Table, Text, bindparam, delete, func, select, type_coerce, update
from sqlalchemy.dialects.sqlite import insert

from shared import reference
from shared.sync.cache_seal import sealer_of
from shared.sync.tables import confirmed, cursors, meta, outbox, pending


# The statements every command and every push run, built once: building and keying a statement cost more than
# SQLite takes to run it.
_GET_META = select(meta.c.value).where(meta.c.key == bindparam("key"))
_SET_META = (insert(meta).values(key=bindparam("m_key"), value=bindparam("m_value"))
             .on_conflict_do_update(index_elements=["key"], set_={"value": bindparam("m_value")}))
_CURSORS = select(cursors.c.scope, cursors.c.cursor)
_ADD_PENDING = pending.insert()
_DROP_PENDING = delete(pending).where(pending.c.command_id.in_(bindparam("ids", expanding=True)))


def get_meta(conn: Connection, key: str, default: str | None = None) -> str | None:
    value = conn.scalar(_GET_META, {"key": key})
    return default if value is None else value


def set_meta(conn: Connection, key: str, value: str) -> None:
    conn.execute(_SET_META, {"m_key": key, "m_value": value})


def delete_meta(conn: Connection, key: str) -> None:
    conn.execute(delete(meta).where(meta.c.key == key))


def read_cursors(conn: Connection) -> dict[str, int]:
    return {s: c for s, c in conn.execute(_CURSORS)}


def write_cursors(conn: Connection, values: dict[str, int]) -> None:
    """Cursors only move forward (a late, duplicated page must not rewind them)."""
    current = read_cursors(conn)
    for scope, value in values.items():
        if scope not in current:
            conn.execute(cursors.insert().values(scope=scope, cursor=value))
        elif value > current[scope]:
            conn.execute(update(cursors).where(cursors.c.scope == scope).values(cursor=value))


UPSERT_CONFIRMED = (
    "INSERT INTO sync_confirmed (tbl, pk, scope, seq, row) VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT (tbl, pk) DO UPDATE SET scope = excluded.scope, seq = excluded.seq, row = excluded.row "
    "WHERE sync_confirmed.seq < excluded.seq")


def apply_changes(conn: Connection, changes: Iterable[dict]) -> int:
    """Upsert or delete confirmed rows. A change older than the row held (a duplicated page) is ignored."""
    upserts, deletes = {}, {}
    for ch in changes:
        key = (ch["table"], ch["pk"])
        if ch["op"] == "delete":
            upserts.pop(key, None)
            deletes[key] = ch
        else:
            deletes.pop(key, None)
            upserts[key] = {"tbl": ch["table"], "pk": ch["pk"], "scope": ch["scope"], "seq": ch["seq"],
                            "row": ch["row"]}
    sealer = sealer_of(conn)
    if upserts and sealer is not None:
        for u in upserts.values():
            u["sealed"] = sealer.seal_row(u["tbl"], u["pk"], u["row"])
    if upserts:
        # The driver's executemany directly: pull-apply is the hot path (tens of thousands of rows a second).
        conn.exec_driver_sql(UPSERT_CONFIRMED, [(u["tbl"], u["pk"], u["scope"], u["seq"],
                                                 json.dumps(u.get("sealed", u["row"]))) for u in upserts.values()])
    for (table, pk), ch in deletes.items():
        conn.execute(delete(confirmed).where(confirmed.c.tbl == table, confirmed.c.pk == pk,
                                             confirmed.c.seq < ch["seq"]))
    _project_reference(conn, upserts, deletes)
    return len(upserts) + len(deletes)


def _project_reference(conn: Connection, upserts: dict, deletes: dict) -> None:
    """Reference rows also land in the cache's ORM tables (same transaction), where screens query them —
    but only the changes that won: a duplicated older page must not bring back an older row."""
    keys = [k for k in list(upserts) + list(deletes) if k[0] in reference.TABLES]
    if not keys:
        return
    held = {(t, pk): seq for t, pk, seq in conn.execute(
        select(confirmed.c.tbl, confirmed.c.pk, confirmed.c.seq).where(
            confirmed.c.tbl.in_({t for t, _ in keys}), confirmed.c.pk.in_({pk for _, pk in keys})))}
    won = [{"table": t, "pk": pk, "op": "upsert", "row": upserts[(t, pk)]["row"]}
           for t, pk in keys if (t, pk) in upserts and held.get((t, pk)) == upserts[(t, pk)]["seq"]]
    won += [{"table": t, "pk": pk, "op": "delete", "row": None}
            for t, pk in keys if (t, pk) in deletes and (t, pk) not in held]
    reference.project(conn, won)


def replace_scope(conn: Connection, scope: str, rows: list[dict], cursor: int) -> None:
    """A reset: the scope's confirmed rows become the snapshot. Pending rows and the outbox are untouched."""
    conn.execute(delete(confirmed).where(confirmed.c.scope == scope))
    apply_changes(conn, rows)
    present: dict[str, set[str]] = {}
    for row in rows:
        if row["table"] in reference.TABLES:
            present.setdefault(row["table"], set()).add(row["pk"])
    reference.prune(conn, present)
    conn.execute(delete(cursors).where(cursors.c.scope == scope))
    conn.execute(cursors.insert().values(scope=scope, cursor=cursor))


def forget_scope(conn: Connection, scope: str) -> None:
    conn.execute(delete(confirmed).where(confirmed.c.scope == scope))
    conn.execute(delete(cursors).where(cursors.c.scope == scope))


def add_pending(conn: Connection, command_id: str, effects: Iterable[tuple[str, str, dict | None]]) -> None:
    sealer = sealer_of(conn)
    rows = [{"command_id": command_id, "tbl": t, "pk": pk,
             "row": sealer.seal_row(t, pk, row) if sealer is not None else row} for t, pk, row in effects]
    if rows:
        conn.execute(_ADD_PENDING, rows)


def drop_pending(conn: Connection, command_ids: list[str]) -> None:
    if not command_ids:
        return
    for start in range(0, len(command_ids), 500):
        conn.execute(_DROP_PENDING, {"ids": command_ids[start:start + 500]})


def confirmed_rows(conn: Connection, table: str) -> dict[str, dict]:
    rows = {pk: json.loads(text) for pk, text in conn.execute(_HELD, {"tbl": table})}
    return _opened(conn, table, rows)


def _opened(conn: Connection, table: str, rows: dict[str, dict]) -> dict[str, dict]:
    """The rows with their sealed personal fields opened (a cache opened by open_cache seals them)."""
    sealer = sealer_of(conn)
    if sealer is None:
        return rows
    return {pk: sealer.open_row(table, pk, row) for pk, row in rows.items()}


# Built once (every screen and action reads through them); the rows come as stored JSON text, parsed only
# for the rows that win: a key's older pending rows (several actions on one window between two pulls) are
# skipped unparsed.
_HELD = select(confirmed.c.pk, type_coerce(confirmed.c.row, Text)).where(confirmed.c.tbl == bindparam("tbl"))
_OVER = (select(pending.c.pk, type_coerce(pending.c.row, Text))
         .join(outbox, outbox.c.command_id == pending.c.command_id)
         .where(pending.c.tbl == bindparam("tbl")).order_by(outbox.c.seq.desc()))
_AMONG = confirmed.c.pk.in_(bindparam("pks", expanding=True)), pending.c.pk.in_(bindparam("pks", expanding=True))
_HELD_AMONG, _OVER_AMONG = _HELD.where(_AMONG[0]), _OVER.where(_AMONG[1])


def merged_rows(conn: Connection, table: str, pks: Iterable[str] | None = None) -> dict[str, dict]:
    """What the user sees: confirmed rows with the pending (optimistic) rows over them, newest command last.
    `pks`: only these rows (a few out of a big table: no need to read and parse the rest)."""
    if pks is None:
        params: dict = {"tbl": table}
        held, over = _HELD, _OVER
    else:
        params = {"tbl": table, "pks": list(pks)}
        held, over = _HELD_AMONG, _OVER_AMONG
    newest: dict[str, dict | None] = {}
    first: list[str] = []  # keys by their oldest pending row: where a new key joins the view, as before
    for pk, text in conn.execute(over, params):
        if pk not in newest:  # newest command first: the rest of this key is shadowed, never parsed
            newest[pk] = json.loads(text) if text is not None else None  # None (SQL or JSON null): deleted
        first.append(pk)
    rows = {}
    for pk, text in conn.execute(held, params):
        row = json.loads(text) if pk not in newest else newest[pk]
        if row is not None:
            rows[pk] = row
    for pk in dict.fromkeys(reversed(first)):
        if pk not in rows and newest[pk] is not None:
            rows[pk] = newest[pk]
    return _opened(conn, table, rows)


def merged_rows_with(conn: Connection, table: str, field: str, value: object,
                     among: Mapping[str, Collection[str]] | None = None) -> dict[str, dict]:
    """merged_rows limited to the rows whose top-level `field` equals `value` once merged (a pending row may
    have moved one in or out) and, for each `among` field, whose value is one of those given (e.g. a state):
    SQLite finds the candidates in the stored JSON, only those are parsed. Not for the fields a cache seals
    (shared.protocol.personal_args)."""
    among = dict(among or {})

    def matching(t: Table):  # noqa: ANN202 - the candidates' pks among `t`'s rows of the table
        where = [t.c.tbl == table, func.json_extract(t.c.row, f"$.{field}") == value]
        where += [func.json_extract(t.c.row, f"$.{name}").in_(list(values)) for name, values in among.items()]
        return select(t.c.pk).where(*where)

    pks = set(conn.scalars(matching(confirmed))) | set(conn.scalars(matching(pending)))
    if not pks:
        return {}
    return {pk: row for pk, row in merged_rows(conn, table, pks).items()
            if row.get(field) == value and all(row.get(name) in values for name, values in among.items())}
