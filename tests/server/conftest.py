"""Server fixtures: the real app on SQLite (a temp file) and, marked `pg`, on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from server.core.settings import Settings
from server.main import create_app
from server.store.database import Database
from shared.demo.loader import load_demo
from tests.pg import pg_database

FAST_HASH = 1_000  # PBKDF2 iterations in tests: the scheme is tested, not its cost


class FakeClock:
    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


def _prepare(db: Database) -> None:
    db.migrate()
    with db.session() as session:
        load_demo(session, password_iterations=FAST_HASH)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "server.sqlite3"
    db = Database(f"sqlite:///{path}")
    _prepare(db)
    db.dispose()  # closing the last connection checkpoints the WAL into the main file, so a copy is whole
    assert not path.with_name(path.name + "-wal").exists()
    return path


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    with pg_database() as engine:
        db = Database(engine.url.render_as_string(hide_password=False), engine=engine)
        _prepare(db)
        engine.dispose()
        yield engine.url.database


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A migrated server database with the demo data loaded, fresh for each test."""
    if request.param == "sqlite":
        path = tmp_path / "server.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        db = Database(f"sqlite:///{path}")
        yield db
        db.dispose()
    else:
        with pg_database(template=request.getfixturevalue("pg_template")) as engine:
            yield Database(engine.url.render_as_string(hide_password=False), engine=engine)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.timezone.utc))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, password_iterations=FAST_HASH, lockout_threshold=5, lockout_minutes=15)


@pytest.fixture
def app(database: Database, settings: Settings, clock: FakeClock):
    return create_app(settings, database=database, clock=clock)


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def login(client: TestClient, username: str = "admin", password: str = "GovHall@2026") -> dict[str, str]:
    response = client.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}
