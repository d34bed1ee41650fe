"""Engine factory: SQLite (WAL, foreign keys on, busy timeout) or PostgreSQL (psycopg 3)."""

from __future__ import annotations

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from shared.db import writer_lock
from shared.db.files import secure_database_file, sqlite_file

BUSY_TIMEOUT_MS = 10000


def make_engine(url: str, *, synchronous_full: bool = False, immediate: bool = False, queue_writers: bool = False,
                cache_kib: int | None = None, **kwargs) -> Engine:
    """`synchronous_full` is for kiosks and tablets, which lose power; workstations and servers use NORMAL.
    `immediate` makes every SQLite transaction take the write lock at BEGIN: two writers then queue on
    busy_timeout instead of deadlocking when both upgrade from a read (the server's choice). A connection with
    the execution option `govhall_read_only=True` (see `reader`) still begins a plain deferred transaction: under WAL
    it reads a snapshot without queueing behind writers or other readers. `queue_writers` (with `immediate`; the
    server's choice): this process's writers of the file wait on a lock handed over at each COMMIT, not in SQLite's
    sleeping busy handler (shared/db/writer_lock.py). `cache_kib`: each connection's page cache (SQLite's default,
    2 MiB, when None); a server keeps many connections, each caching the same hot pages the OS caches anyway."""
    if url.startswith("sqlite"):
        path = sqlite_file(url)
        if path is not None:
            secure_database_file(path)  # 0600 in a 0700 directory, before SQLite creates it 0644
        kwargs.setdefault("connect_args", {}).setdefault("check_same_thread", False)
        engine = create_engine(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):  # noqa: ANN001
            # pysqlite's own transaction handling is bypassed; we issue BEGIN ourselves (see "begin" below).
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            if ":memory:" not in url and url not in ("sqlite://", "sqlite:///"):
                cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA synchronous={'FULL' if synchronous_full else 'NORMAL'}")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA secure_delete=ON")  # a replaced or deleted value leaves no trace in free pages
            cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            if cache_kib is not None:
                cur.execute(f"PRAGMA cache_size=-{int(cache_kib)}")
            cur.close()

        writers = writer_lock.lock_for(path, BUSY_TIMEOUT_MS / 1000) if immediate and queue_writers else None
        if writers is not None:
            writer_lock.install(engine, writers)

        @event.listens_for(engine, "begin")
        def _begin(conn):  # noqa: ANN001
            write_lock = immediate and not conn.get_execution_options().get("govhall_read_only", False)
            if write_lock and writers is not None:
                writer_lock.begin_writing(conn, writers)
            else:
                conn.exec_driver_sql("BEGIN IMMEDIATE" if write_lock else "BEGIN")

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def reader(engine: Engine) -> Engine:
    """The same engine and pool, for transactions that only read (no write lock taken at BEGIN on SQLite)."""
    return engine.execution_options(govhall_read_only=True)


def session_factory(engine: Engine, info: dict | None = None) -> sessionmaker[Session]:
    """`info`: what each session's `info` starts with."""
    return sessionmaker(engine, expire_on_commit=False, info=info)
