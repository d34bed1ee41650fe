"""What a server process keeps between requests — a hall's queue configuration, the verified device tokens — and
how it knows the copy is still true: one row per kind in `cache_version`, whose value database triggers replace
on every write to the tables the copy is made of (migration 0046), whoever writes: this process, another server
process on the same PostgreSQL, a job, an admin's SQL. A request reads the versions once (one small query, in
its own transaction, before anything it reads from the cache) and uses a kept copy only when it was made at the
version it reads; so a change committed through any process counts at the next request, as when nothing was
kept, and a change not yet committed counts for no one else, as before.

A copy is stored with the version read *before* its rows were read: rows newer than their version only make
the next reader load again, never the other way round."""

from __future__ import annotations

import threading
import weakref

from sqlalchemy import Engine, bindparam, select
from sqlalchemy.orm import Session

from server.store.models import CacheVersion

HALL_CONFIG = "hall_config"
DEVICE_TOKEN = "device_token"
DEFINITIONS = "definitions"  # the parsed workflow definitions (migration 0058)
CALENDAR = "calendar"  # the working-day calendar (migration 0059)
SCOPE_FLOOR = "scope_floor"  # the sync scopes' floors (migration 0060)
_VERSIONS = select(CacheVersion.name, CacheVersion.value)  # built once: every request asks it
_ONE = select(CacheVersion.value).where(CacheVersion.name == bindparam("name"))
_INFO = "cache_versions"
READ_ONLY = "govhall_read_only"  # session.info key: the server's reading units of work (server/store/database.py)


def read(session: Session) -> dict[str, int]:
    """The versions as this unit of work sees them, asked once per unit of work (`forget` asks again)."""
    versions = session.info.get(_INFO)
    if versions is None:
        versions = session.info[_INFO] = {name: value for name, value in session.connection().execute(_VERSIONS)}
    return versions


def current(session: Session, name: str) -> int | None:
    """One version as the database holds it at this moment, not memoised: for a kind this unit of work may
    itself write, inside a savepoint that may roll back (a refused receive stores a definition). A unit of work
    that only reads (READ_ONLY) writes nothing, so there it is `read`'s, asked once: a to-do list looks up the
    calendar and the definitions for every case."""
    if session.info.get(READ_ONLY):
        return read(session).get(name)
    return session.connection().execute(_ONE, {"name": name}).scalar()


def forget(session: Session) -> None:
    """This unit of work wrote a cached kind's tables: the next `read` asks the database again."""
    session.info.pop(_INFO, None)


class Kept:
    """One process's copies of one kind, each with the version it was made at; thread-safe, bounded."""

    def __init__(self, limit: int) -> None:
        self._items: dict[object, tuple[int, object]] = {}
        self._limit = limit
        self._lock = threading.Lock()

    def get(self, key: object, version: int | None) -> object | None:
        item = self._items.get(key)
        return item[1] if item is not None and version is not None and item[0] == version else None

    def put(self, key: object, version: int | None, value: object) -> None:
        if version is None:  # no version row (a database not migrated to 0046): nothing is kept
            return
        with self._lock:
            if len(self._items) >= self._limit and key not in self._items:
                self._items.clear()  # crude, but a hall's devices and configs number far below the limit
            self._items[key] = (version, value)


_BY_ENGINE: weakref.WeakKeyDictionary[Engine, dict[str, Kept]] = weakref.WeakKeyDictionary()
_BY_ENGINE_LOCK = threading.Lock()
LIMITS = {HALL_CONFIG: 1000, DEVICE_TOKEN: 20000, DEFINITIONS: 1, CALENDAR: 1, SCOPE_FLOOR: 1}


def kept(session: Session, kind: str) -> Kept:
    """This process's copies of `kind` for the database the session is bound to (tests run many databases in
    one process; their versions must never answer for each other)."""
    engine = session.get_bind().engine
    kinds = _BY_ENGINE.get(engine)
    if kinds is None:
        with _BY_ENGINE_LOCK:
            kinds = _BY_ENGINE.setdefault(engine, {k: Kept(limit) for k, limit in LIMITS.items()})
    return kinds[kind]
