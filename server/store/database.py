"""The server's database: engine, sessions, migrations."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Engine, select
from sqlalchemy.pool import QueuePool
from sqlalchemy.orm import Session

from server.store import versions
from server.store.audit_chain import KEY_INFO as AUDIT_KEY_INFO, anchor_unchained
from shared.db.engine import make_engine, reader, session_factory
from shared.db.files import make_private_dirs
from shared.db.migrate import upgrade
from shared.db.models import Device
from server.sync.group_commit import GroupCommit

T = TypeVar("T")
# A 128 KiB page cache per connection: in WAL mode a connection drops its whole cache when another one has
# committed since its last read, which on a busy server is nearly always; the OS caches the file anyway.
SQLITE_ENGINE = {"pool_size": 25, "max_overflow": 25, "cache_kib": 128}
MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


class Database:
    def __init__(self, url: str, *, engine: Engine | None = None, replica_url: str = "",
                 pool: dict | None = None) -> None:
        """`pool`: SQLAlchemy pool arguments for PostgreSQL (pool_size, max_overflow, pool_timeout);
        `replica_url`: a read-only replica that statistics read from (`stats_session`)."""
        self.url = url
        if url.startswith("sqlite:///") and engine is None:
            make_private_dirs(Path(url.removeprefix("sqlite:///")).parent)
        postgres = not url.startswith("sqlite")
        # SQLite: 50 = two per admitted request (server/api/admission.py: 24) and two kept back; half stay open,
        # as many as the admitted requests use at once but for a token write, so connections are not reopened.
        sizes = (pool or {}) if postgres else SQLITE_ENGINE if url.startswith("sqlite:///") else {}
        self.engine = engine or make_engine(url, immediate=True, queue_writers=True, **sizes)
        self.connections = _most_connections(self.engine)
        self.sessions = session_factory(self.engine)
        self.read_sessions = session_factory(reader(self.engine), info={versions.READ_ONLY: True})
        self.audit_key: bytes | None = None  # the audit chain's key (server/core/audit_key.py), set by the app
        self.replica = (make_engine(replica_url, execution_options={"postgresql_readonly": True}, **(pool or {}))
                        if replica_url else None)
        self.stats_sessions = (session_factory(self.replica, info={versions.READ_ONLY: True})
                               if self.replica is not None else self.read_sessions)
        # SQLite has one writer at a time anyway, PostgreSQL one push per hall (it holds the hall's change counter
        # until it commits): pushes waiting for that writer, or for that hall, share a transaction (group_commit.py).
        self.group_commit = GroupCommit(self.session) if self.engine.dialect.name == "sqlite" else None
        self._hall_lines: dict[int, GroupCommit] = {}
        self.push_halls: dict[str, int] = {}  # device id → the hall of its last push: its group (PostgreSQL)
        self._lines_lock = threading.Lock()
        if self.engine.dialect.name == "postgresql":  # other server processes hear this one's commits
            from server.sync.pg_wakeups import install_notify
            install_notify(self.sessions)

    @classmethod
    def from_settings(cls, settings) -> Database:  # noqa: ANN001 - server.core.settings.Settings
        pool = {"pool_size": settings.pool_size, "max_overflow": settings.pool_max_overflow,
                "pool_timeout": settings.pool_timeout_s}
        return cls(settings.effective_database_url, replica_url=settings.replica_url, pool=pool)

    def with_audit_key(self, key: bytes) -> "Database":
        self.audit_key = key
        return self

    def migrate(self) -> None:
        backup = Path(self.url.removeprefix("sqlite:///")) if self.url.startswith("sqlite:///") else None
        upgrade(self.engine, MIGRATIONS, backup_file=backup)
        if self.audit_key is not None:  # audit rows from before the chain: chained once, with an anchor
            with self.session() as session:
                anchor_unchained(session, self.audit_key, dt.datetime.now(dt.timezone.utc))

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One unit of work: committed when the block ends normally, rolled back on any exception."""
        with self.sessions() as session, session.begin():
            session.info[AUDIT_KEY_INFO] = self.audit_key
            yield session

    def begin(self, *, read_only: bool = False) -> Session:
        """A unit of work for a caller that ends it itself (commit or rollback, then close): as `session` or
        `read_session` gives. Begun without I/O: SQLAlchemy takes a connection at the first statement, so
        the event loop may open it (server/api/deps.py)."""
        session = (self.read_sessions if read_only else self.sessions)()
        session.begin()
        if not read_only:
            session.info[AUDIT_KEY_INFO] = self.audit_key
        return session

    def push_unit(self, work: Callable[[Session], T], size: int = 1, device: str | None = None) -> T:
        """`work(session)` for a push of `size` commands from `device`, answered once committed, in the next
        group's transaction (server/sync/group_commit.py): on SQLite the server's one group, on PostgreSQL the
        group of the device's hall (`push_hall`; no such device: a unit of work of its own)."""
        if self.group_commit is not None:
            return self.group_commit.run(work, size)
        hall = self.push_hall(device)
        if hall is None:
            with self.session() as session:
                return work(session)
        return self.hall_line(hall).run(work, size)

    def push_hall(self, device: str | None) -> int | None:
        """The hall `device` pushed to last, or for its first push since this process started, the hall its row
        names. Only a hint, from a device id not yet authenticated: the hall counter's row lock keeps the order
        whatever it says. Read once: the first pushes of a hall's devices after a restart used to go one by one
        outside its group, each holding a connection while it waited for the counter, and the requests behind
        them waited for connections."""
        hall = self.push_halls.get(device) if device else None
        if hall is None and device:
            with self.read_session() as session:
                hall = session.execute(select(Device.hall_id).where(Device.id == device)).scalar()
            if hall is not None:
                self.push_halls[device] = hall
        return hall

    def hall_line(self, hall: int) -> GroupCommit:
        """The group of pushes to `hall` (PostgreSQL)."""
        line = self._hall_lines.get(hall)
        if line is None:
            with self._lines_lock:
                line = self._hall_lines.setdefault(hall, GroupCommit(self.session))
        return line

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        """A unit of work that only reads (pulls, long-poll checks): on SQLite it does not queue for the write
        lock, so devices reading never wait behind a push or behind each other."""
        with self.read_sessions() as session, session.begin():
            yield session

    @contextmanager
    def stats_session(self) -> Iterator[Session]:
        """A read-only unit of work for statistics: on the replica when one is configured (it may lag the
        primary by a moment), else a reading session of the primary."""
        with self.stats_sessions() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
        if self.replica is not None:
            self.replica.dispose()


def _most_connections(engine: Engine) -> int | None:
    """The most connections `engine`'s pool opens at once (None: no limit): what admission is sized by
    (server/api/admission.py)."""
    pool = engine.pool
    if not isinstance(pool, QueuePool) or pool._max_overflow < 0:  # noqa: SLF001 - no public accessor
        return None
    return pool.size() + pool._max_overflow  # noqa: SLF001
