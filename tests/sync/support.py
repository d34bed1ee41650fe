"""Test support: a migrated server database with the demo hall (a SQLite file, or a copy of the PostgreSQL
template)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import select

from server.store.database import Database
from server.sync.devices import register_device
from server.sync.reference import publish_all_halls
from shared.db.engine import make_engine
from shared.db.models import Hall, Window
from shared.demo.loader import load_demo
from tests.clock import TEMPLATE_PUBLISHED

PG_URL = os.environ.get("GOVHALL_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@contextmanager
def pg_copy(template: str) -> Iterator[Database]:
    """A fresh PostgreSQL database copied from `template` (the `pg_template` fixture: make_database's content,
    made once per process), its engine pooled as make_database's."""
    from tests.pg import pg_database
    with pg_database(template=template) as engine:
        url = engine.url.render_as_string(hide_password=False)
        db = Database(url, engine=make_engine(url, pool_size=20, max_overflow=20))
        try:
            yield db
        finally:
            db.dispose()


def make_database(kind: str, tmp: Path, schema: str | None = None) -> Database:
    if kind == "sqlite":
        db = Database(f"sqlite:///{tmp / 'server.sqlite3'}")
    else:
        engine = make_engine(PG_URL, connect_args={"options": f"-csearch_path={schema}"}, pool_size=20,
                             max_overflow=20)
        db = Database(PG_URL, engine=engine)
    db.migrate()
    with db.session() as session:
        load_demo(session, password_iterations=1000)
        publish_all_halls(session, TEMPLATE_PUBLISHED)
    return db


def demo_hall(db: Database) -> tuple[int, list[int]]:
    with db.session() as session:
        hall = session.scalars(select(Hall).where(Hall.code == "DG-HALL-1")).one()
        windows = list(session.scalars(select(Window.id).where(Window.hall_id == hall.id).order_by(Window.number)))
        return hall.id, windows


def new_device(db: Database, kind: str, hall_id: int, window_id: int | None = None,
               name: str = "test device") -> tuple[str, str]:
    with db.session() as session:
        device, token = register_device(session, kind=kind, name=name, hall_id=hall_id, window_id=window_id)
        return device.id, token


class FakeClock:
    """The server's clock in tests: starts at a fixed instant and moves only when told."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        self.now = start or dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.timezone.utc)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)
