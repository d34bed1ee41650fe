"""The triggers that replace the cache versions (migrations 0046, 0058, 0059, 0060) are all there at head: a later
migration that rebuilds one of their tables on SQLite (batch_alter_table) drops its triggers and must create them again."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from sqlalchemy import text

from server.store.database import MIGRATIONS, Database
from tests.pg import pg_schema_engine


def _expected() -> set[str]:
    found = set()
    for name in ("0046_cache_versions", "0058_definitions_version", "0059_calendar_version",
                 "0060_scope_floor_version"):
        spec = importlib.util.spec_from_file_location(name, MIGRATIONS / "versions" / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        found |= {f"cv_{table}_{event}" for _, table, _ in module.WATCHED for event in module.EVENTS
                  if not (event == "insert" and table in ("sync_device", "device"))}
    return found


def test_every_cache_version_trigger_exists_at_head_on_sqlite(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 's.sqlite3'}")
    db.migrate()
    with db.engine.connect() as conn:
        found = set(conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars())
    assert _expected() <= found and len(_expected()) == 31


@pytest.mark.pg
def test_every_cache_version_trigger_exists_at_head_on_postgresql() -> None:
    with pg_schema_engine() as engine:
        Database(engine.url.render_as_string(hide_password=False), engine=engine).migrate()
        with engine.connect() as conn:
            found = set(conn.execute(text(
                "SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n "
                "ON n.oid = c.relnamespace WHERE NOT t.tgisinternal AND n.nspname = current_schema()")).scalars())
    assert _expected() <= found
