"""Writers of one SQLite file in one process queue on a lock of their own, not in SQLite's busy handler.

With BEGIN IMMEDIATE, a second writer of the file is refused SQLITE_BUSY and SQLite's busy handler retries it
after sleeping 1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100, 100… ms: with eight devices pushing at once most of
them sleep well past the moment the write lock came free (issue 19 measured a push p95 of 342 ms, and over a
second for batches of 50, for writes of a few ms each). Here a writer first takes the process's lock for that
file, which the previous writer hands over the moment its COMMIT or ROLLBACK has returned; so within one process
BEGIN IMMEDIATE no longer meets a busy file, and other processes (a command-line tool, a second server on
the same file) still queue in SQLite's busy handler as before.

Never a deadlock the database would not have had: a thread that already writes through another connection
(a nested unit of work) goes straight to BEGIN IMMEDIATE, as before this lock, and a writer that waited the
whole busy timeout for the lock tries BEGIN IMMEDIATE anyway, which then waits and fails as it always did."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import Engine, event

_BY_FILE: dict[str, "WriterLock"] = {}
_BY_FILE_LOCK = threading.Lock()


class WriterLock:
    """One file's writers in this process; the DBAPI connection whose transaction holds it is `holder`."""

    def __init__(self, timeout_s: float) -> None:
        self._lock = threading.Lock()  # not an RLock: a unit of work may end on another thread than it began
        self.timeout_s = timeout_s
        self.holder: object | None = None
        self.owner: int | None = None  # the thread that began the holder's transaction

    def take(self, dbapi_connection: object) -> None:
        if self.holder is dbapi_connection:
            return  # its transaction already holds it
        if self.holder is not None and self.owner == threading.get_ident():
            return  # this thread writes through another connection already: waiting here could never end
        if self._lock.acquire(timeout=self.timeout_s):
            self.holder, self.owner = dbapi_connection, threading.get_ident()

    def give_back(self, dbapi_connection: object) -> None:
        """The transaction of `dbapi_connection` has ended (or the connection is gone): the next writer goes."""
        if dbapi_connection is not None and self.holder is dbapi_connection:
            self.holder = self.owner = None
            self._lock.release()

    def held(self) -> bool:
        return self._lock.locked()


def lock_for(path: Path | None, timeout_s: float) -> WriterLock:
    """The lock of a database file, shared by every engine of this process on that file (an in-memory or
    unnamed database: a lock of its own)."""
    if path is None:
        return WriterLock(timeout_s)
    key = str(path.resolve())
    with _BY_FILE_LOCK:
        return _BY_FILE.setdefault(key, WriterLock(timeout_s))


def _raw(connection: object) -> object:
    """The DBAPI connection behind SQLAlchemy's pool proxy (or the connection itself)."""
    return getattr(connection, "dbapi_connection", connection)


def install(engine: Engine, lock: WriterLock) -> None:
    """Give the lock back the moment the engine's COMMIT or ROLLBACK has run, and whenever a connection goes
    back to the pool, is invalidated or closed (no path leaves it held). Taking it is `begin_writing`'s job."""
    dialect = engine.dialect
    commit, rollback = dialect.do_commit, dialect.do_rollback

    def do_commit(connection) -> None:  # noqa: ANN001 - a pooled DBAPI connection
        try:
            commit(connection)
        finally:
            lock.give_back(_raw(connection))

    def do_rollback(connection) -> None:  # noqa: ANN001
        try:
            rollback(connection)
        finally:
            lock.give_back(_raw(connection))

    dialect.do_commit, dialect.do_rollback = do_commit, do_rollback  # this engine's dialect instance only
    for name in ("checkin", "reset", "invalidate", "close", "detach"):
        event.listen(engine.pool, name, lambda dbapi_connection, *_: lock.give_back(dbapi_connection))


def begin_writing(conn, lock: WriterLock) -> None:  # noqa: ANN001 - a SQLAlchemy Connection
    """Take the lock, then the file's write lock (BEGIN IMMEDIATE); if BEGIN fails, the lock is given back."""
    raw = _raw(conn.connection)
    lock.take(raw)
    try:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    except BaseException:
        lock.give_back(raw)
        raise
