"""The change log: per-hall cursors, publishing changes, pull pages, snapshots and compaction."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from sqlalchemy import Select, Table, Text, and_, bindparam, cast, delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from server.store import versions
from server.sync.models import ChangeLog, ScopeFloor, SyncCounter, SyncDevice


COUNTER = SyncCounter.__table__
CHANGES = ChangeLog.__table__
_PUBLISHED = "govhall_halls_published"  # session.info key: halls this session has written changes for


def halls_published(session: Session) -> set[int]:
    """The halls this session wrote changes for: whoever commits it wakes their waiting devices."""
    return set(session.info.get(_PUBLISHED, ()))


def _published(session: Session, hall_id: int) -> None:
    session.info.setdefault(_PUBLISHED, set()).add(hall_id)


def next_seq(session: Session, hall_id: int) -> int:
    """Increment the hall's counter. The UPDATE takes the row lock and keeps it until commit, so a later
    number can never commit before an earlier one: a pull past cursor c never skips a row."""
    # Core statements (not ORM-enabled ones): nothing to synchronise with the session's objects.
    value = session.execute(update(COUNTER).where(COUNTER.c.hall_id == hall_id)
                            .values(value=COUNTER.c.value + 1).returning(COUNTER.c.value)).scalar()
    if value is None:
        ensure_counter(session, hall_id)
        return next_seq(session, hall_id)
    return value


_LOCK_COUNTER = select(COUNTER.c.value).where(COUNTER.c.hall_id == bindparam("hall_id")).with_for_update()
# Built once, as every push runs them: building and keying a statement cost more than running it on SQLite.
_STORE_COUNTER = (update(COUNTER).where(COUNTER.c.hall_id == bindparam("hall"))
                  .values(value=bindparam("new_value")))
_INSERTS: dict[Table, object] = {}


def insert_into(table: Table):  # noqa: ANN201 - an Insert
    """`insert(table)`, built once per table."""
    statement = _INSERTS.get(table)
    if statement is None:
        statement = _INSERTS[table] = insert(table)
    return statement


class ChangeWriter:
    """Changes of one write transaction with many commands (a push): the hall's counter row is locked once,
    up front and outside any savepoint (a rolled-back savepoint would release the lock), numbers are
    handed out locally, and rows are inserted together before commit. A rejected command's numbers are
    simply skipped: cursors need order, not density."""

    def __init__(self, session: Session, hall_id: int, now: dt.datetime) -> None:
        self.session, self.hall_id, self.now = session, hall_id, now
        self.start = self.value = self._lock()
        self.rows: list[dict] = []
        self.deferred: dict[Table, list[dict]] = {}  # in order of first use, so parents go in first
        self.deferred_by: object | None = None  # the command spec whose rows wait in `deferred`

    def _lock(self) -> int:
        value = self.session.connection().execute(_LOCK_COUNTER, {"hall_id": self.hall_id}).scalar()
        if value is None:
            ensure_counter(self.session, self.hall_id)
            value = self.session.connection().execute(_LOCK_COUNTER, {"hall_id": self.hall_id}).scalar()
        return value

    def change(self, scope: str, table: str, pk: str, row: dict | None) -> dict:
        self.value += 1
        return {"hall_id": self.hall_id, "scope": scope, "seq": self.value, "tbl": table, "pk": pk,
                "op": "upsert" if row is not None else "delete", "row": row, "at": self.now}

    def keep(self, changes: list[dict], deferred: list[tuple[Table, dict]] = ()) -> None:
        self.rows.extend(changes)
        for table, row in deferred:
            self.deferred.setdefault(table, []).append(row)

    def keep_deferred_of(self, spec: object) -> None:
        """Accepted commands of `spec` left rows in `deferred`: only commands of that spec running without a
        savepoint may run before they are inserted (see flush_deferred_unless)."""
        self.deferred_by = spec

    def flush_deferred_unless(self, spec: object, savepoint: str) -> None:
        """Insert the deferred rows now unless the next command is of the spec that deferred them and runs
        without a savepoint: any other command may read those rows back from the database, and rows inserted
        inside a savepoint would be rolled back with a rejected command."""
        if self.deferred and (spec is not self.deferred_by or savepoint != "none"):
            self.flush_deferred()

    def flush_deferred(self) -> None:
        """Insert the accepted commands' deferred rows (outside any savepoint)."""
        for table, rows in self.deferred.items():
            self.session.connection().execute(insert_into(table), rows)
        self.deferred.clear()
        self.deferred_by = None

    def finish(self) -> int:
        """Insert the deferred rows and the kept changes, store the counter; returns the highest cursor
        written (0: none)."""
        self.flush_deferred()
        if not self.rows:
            return 0
        run = self.session.connection().execute
        run(insert_into(CHANGES), self.rows)
        run(_STORE_COUNTER, {"hall": self.hall_id, "new_value": self.value})
        _published(self.session, self.hall_id)
        return self.rows[-1]["seq"]


def ensure_counter(session: Session, hall_id: int) -> None:
    insert_ignore(session, SyncCounter, {"hall_id": hall_id, "value": 0}, ["hall_id"])


def insert_ignore(session: Session, model, values: dict, keys: list[str]) -> None:  # noqa: ANN001
    """INSERT unless a row with the same unique key exists (two first writers may race on PostgreSQL)."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    session.execute(dialect_insert(model).values(**values).on_conflict_do_nothing(index_elements=keys))


def current_seq(session: Session, hall_id: int) -> int:
    return current_seqs(session, {hall_id})[hall_id]


_CURSORS = select(COUNTER.c.hall_id, COUNTER.c.value).where(COUNTER.c.hall_id.in_(bindparam("halls", expanding=True)))


def current_seqs(session: Session, halls: set[int]) -> dict[int, int]:
    """Each hall's cursor as committed (0: nothing published yet), in one query."""
    found = dict(session.connection().execute(_CURSORS, {"halls": sorted(halls)}).all()) if halls else {}
    return {hall_id: found.get(hall_id) or 0 for hall_id in halls}


def publish(session: Session, hall_id: int, scope: str, table: str, pk: str, row: dict | None, *,
            now: dt.datetime) -> int:
    """Record one change (row None = a tombstone) in the caller's transaction; returns its cursor."""
    seq = next_seq(session, hall_id)
    session.execute(insert(CHANGES).values(hall_id=hall_id, scope=scope, seq=seq, tbl=table, pk=pk,
                                             op="upsert" if row is not None else "delete", row=row, at=now))
    _published(session, hall_id)
    return seq


_FLOORS = select(ScopeFloor.scope, ScopeFloor.min_seq)


def scope_floor(session: Session, scope: str) -> int:
    """The highest cursor compaction dropped in this scope (0: none). Every floor is kept at its cache version
    (migration 0060): floors move once a day, at compaction, and every pull that reads asks them."""
    version = versions.current(session, versions.SCOPE_FLOOR)
    kept = versions.kept(session, versions.SCOPE_FLOOR)
    floors = kept.get("floors", version)
    if floors is None:
        floors = dict(session.connection().execute(_FLOORS).all())
        kept.put("floors", version, floors)
    return floors.get(scope) or 0


@dataclass
class Page:
    changes: list  # rows of (scope, seq, tbl, pk, op, row_json): the row as stored JSON text
    cursors: dict[str, int]
    has_more: bool
    reset_required: list[str]


_PULLER = (select(SyncDevice.last_seq,
                   select(COUNTER.c.value).where(COUNTER.c.hall_id == bindparam("hall")).scalar_subquery())
           .where(SyncDevice.device_id == bindparam("device")))  # built once: every pull asks it


def puller(session: Session, device_id: str, hall_id: int) -> tuple[int, int]:
    """(the device's last accepted seq, the hall's counter) in one statement: what every pull reads first."""
    last_seq, top = session.connection().execute(_PULLER, {"device": device_id, "hall": hall_id}).one()
    return last_seq, top or 0


@functools.cache
def _page_query(scopes: int, hidden: frozenset[str]) -> Select:
    """The page's statement for this many scopes and these hidden tables, built once (a pull woken by every
    change of its hall built and keyed it afresh: a tenth of its CPU)."""
    after = or_(*(and_(CHANGES.c.scope == bindparam(f"scope_{i}"), CHANGES.c.seq > bindparam(f"seq_{i}"))
                  for i in range(scopes)))
    cond = and_(after, CHANGES.c.tbl.not_in(sorted(hidden))) if hidden else after
    # The row stays JSON text end to end: the route splices it into the response without parsing it.
    return (select(CHANGES.c.scope, CHANGES.c.seq, CHANGES.c.tbl, CHANGES.c.pk, CHANGES.c.op,
                   cast(CHANGES.c.row, Text).label("row_json"))
            .where(cond).order_by(CHANGES.c.seq, CHANGES.c.id).limit(bindparam("limit")))


def pull_page(session: Session, cursors: dict[str, int], limit: int, hidden: frozenset[str], top: int) -> Page:
    """Changes after each scope's cursor, in seq order, leaving out the `hidden` tables (what the device's kind
    may not read: server.sync.visibility). A non-zero cursor below the scope's floor must reset (compaction may
    have dropped a tombstone it needs); cursor 0 means "empty cache" and may read on. `top`: the counter, read
    before, of the hall that numbers every asked scope (a device's scopes are its hall's and its window's).

    A last page moves every cursor it read on to that counter: committed seqs form a prefix (the counter lock),
    so the page held every change up to there — hidden rows and the other scopes' numbers included — and the
    next pull of a device still up to date is answered from the counter alone."""
    if cursors and min(cursors.values()) >= top:  # the floors lie at or below the counter too: nothing to read
        return Page([], dict(cursors), False, [])
    reset = [s for s, c in cursors.items() if 0 < c < scope_floor(session, s)]
    live = {s: c for s, c in cursors.items() if s not in reset}
    if not live:
        return Page([], dict(cursors), False, reset)
    params = {"limit": limit + 1}
    for i, (scope, cursor) in enumerate(live.items()):
        params[f"scope_{i}"], params[f"seq_{i}"] = scope, cursor
    rows = list(session.connection().execute(_page_query(len(live), hidden), params))
    has_more = len(rows) > limit
    rows = rows[:limit]
    new = dict(cursors)
    for row in rows:
        new[row.scope] = max(new[row.scope], row.seq)
    if not has_more:
        for scope in live:
            new[scope] = max(new[scope], top)
    return Page(rows, new, has_more, reset)


def snapshot(session: Session, scope: str) -> tuple[int, list]:
    """The scope's current rows (latest entry per key, tombstones left out) and the cursor they reach. Rows
    come as pull's do, (scope, seq, tbl, pk, op, row_json): the stored JSON is served as it is, never parsed
    and re-validated, so no stored row can break a snapshot."""
    latest = (select(CHANGES.c.tbl, CHANGES.c.pk, func.max(CHANGES.c.seq).label("seq"))
              .where(CHANGES.c.scope == scope).group_by(CHANGES.c.tbl, CHANGES.c.pk).subquery())
    rows = list(session.connection().execute(
        select(CHANGES.c.scope, CHANGES.c.seq, CHANGES.c.tbl, CHANGES.c.pk, CHANGES.c.op,
               cast(CHANGES.c.row, Text).label("row_json"))
        .join(latest, and_(CHANGES.c.tbl == latest.c.tbl, CHANGES.c.pk == latest.c.pk, CHANGES.c.seq == latest.c.seq))
        .where(CHANGES.c.scope == scope).order_by(CHANGES.c.seq)))
    # One statement, so one consistent view: the newest entry of the scope is the latest of its own key.
    cursor = max((r.seq for r in rows), default=0)
    return cursor, [r for r in rows if r.op == "upsert"]


def compact(session: Session, scope: str, *, before: dt.datetime) -> int:
    """Drop entries older than `before` that a later entry of the same key supersedes, and tombstones older
    than `before`; raise the scope's floor to the highest dropped cursor. Returns how many were dropped."""
    newer = ChangeLog.__table__.alias("newer")
    superseded = select(newer.c.id).where(newer.c.scope == ChangeLog.scope, newer.c.tbl == ChangeLog.tbl,
                                          newer.c.pk == ChangeLog.pk, newer.c.seq > ChangeLog.seq).exists()
    doomed = and_(ChangeLog.scope == scope, ChangeLog.at < before, or_(superseded, ChangeLog.op == "delete"))
    top = session.scalar(select(func.max(ChangeLog.seq)).where(doomed))
    if top is None:
        return 0
    ids = list(session.scalars(select(ChangeLog.id).where(doomed)))
    for start in range(0, len(ids), 500):
        session.execute(delete(ChangeLog).where(ChangeLog.id.in_(ids[start:start + 500])))
    floor = session.get(ScopeFloor, scope)
    if floor is None:
        session.add(ScopeFloor(scope=scope, min_seq=top))
    else:
        floor.min_seq = max(floor.min_seq, top)
    session.flush()
    return len(ids)


def compact_all(session: Session, *, before: dt.datetime) -> dict[str, int]:
    """Compact every scope in the log (run daily with before = now - retention); returns drops per scope."""
    scopes = list(session.scalars(select(CHANGES.c.scope).distinct()))
    return {scope: compact(session, scope, before=before) for scope in scopes}
