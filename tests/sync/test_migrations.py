"""The sync migrations match the models: the server's 0002_sync holds the server's sync tables and none of
the client's; the client cache's 0002_sync_client holds the client's and none of the server's."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import server.store.models  # noqa: F401
from server.sync.models import SERVER_SYNC_TABLES
from shared.db.base import Base
from shared.db.engine import make_engine
from shared.db.migrate import upgrade
from shared.sync.tables import CLIENT_SYNC_TABLES

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("location, foreign", [
    ("server/migrations", set(CLIENT_SYNC_TABLES)),
    ("shared/migrations", set(SERVER_SYNC_TABLES) | {"auth_token", "audit_entry"}),
])
def test_migrations_match_the_models(tmp_path: Path, location: str, foreign: set[str]) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    upgrade(engine, ROOT / location)
    with engine.connect() as conn:
        tables = set(conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'").scalars())
        context = MigrationContext.configure(conn, opts={
            "include_object": lambda obj, name, type_, reflected, other: type_ != "table" or name not in foreign})
        assert compare_metadata(context, Base.metadata) == []
    assert not tables & foreign
    engine.dispose()
