"""The server's database: engine, sessions, migrations."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from shared.db.engine import make_engine, reader, session_factory
from shared.db.files import make_private_dirs
from shared.db.migrate import upgrade

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


class Database:
    def __init__(self, url: str, *, engine: Engine | None = None) -> None:
        self.url = url
        if url.startswith("sqlite:///") and engine is None:
            make_private_dirs(Path(url.removeprefix("sqlite:///")).parent)
        self.engine = engine or make_engine(url, immediate=True)
        self.sessions = session_factory(self.engine)
        self.read_sessions = session_factory(reader(self.engine))

    def migrate(self) -> None:
        backup = Path(self.url.removeprefix("sqlite:///")) if self.url.startswith("sqlite:///") else None
        upgrade(self.engine, MIGRATIONS, backup_file=backup)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One unit of work: committed when the block ends normally, rolled back on any exception."""
        with self.sessions() as session, session.begin():
            yield session

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        """A unit of work that only reads (pulls, long-poll checks): on SQLite it does not queue for the write
        lock, so devices reading never wait behind a push or behind each other."""
        with self.read_sessions() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
