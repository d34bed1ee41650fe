"""Server fixtures: the real app on SQLite (a temp file) and, marked `pg`, on PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from server.core.settings import Settings
from server.main import create_app
from server.store.database import Database
from shared.demo.loader import load_demo
from tests.pg import pg_schema_engine

FAST_HASH = 1_000  # PBKDF2 iterations in tests: the scheme is tested, not its cost


class FakeClock:
    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
        db = Database(url)
        yield db
        db.dispose()
    else:
        with pg_schema_engine() as engine:
            db = Database(engine.url.render_as_string(hide_password=False), engine=engine)
            yield db


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.timezone.utc))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, password_iterations=FAST_HASH, lockout_threshold=5, lockout_minutes=15)


@pytest.fixture
def app(database: Database, settings: Settings, clock: FakeClock):
    app = create_app(settings, database=database, clock=clock)
    with database.session() as session:
        load_demo(session, password_iterations=FAST_HASH)
    return app


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def login(client: TestClient, username: str = "admin", password: str = "GovHall@2026") -> dict[str, str]:
    response = client.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}
