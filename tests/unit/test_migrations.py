"""Migrations: fresh databases reach head, upgrades keep data, a newer database is refused untouched,
the client cache is backed up before it migrates, and the migrations match the model."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Table, inspect, text

import server.approval.models
import server.archive.models
import server.attachments.models
import server.devices.models
import server.licences.models
import server.notify.models
import server.queue.models
import server.rating.models
import server.store.models  # noqa: F401  (server-only tables on the metadata)
import server.sync.models
from server.store.database import MIGRATIONS as SERVER_MIGRATIONS
from server.store.database import Database
from shared.db.base import Base
from shared.db.cache import MIGRATIONS as CLIENT_MIGRATIONS
from shared.db.cache import open_cache
from shared.db.engine import make_engine
from shared.db.migrate import DatabaseTooNew, current_revision, head_revision, upgrade
from shared.sync.tables import CLIENT_SYNC_TABLES
from tests.pg import pg_schema_engine

SERVER_ONLY = {"auth_token", "audit_entry"}


def _tables_of(module) -> set[str]:  # noqa: ANN001
    names = set()
    for value in vars(module).values():
        table = getattr(value, "__table__", value)
        if isinstance(table, Table) and table.metadata is Base.metadata:
            names.add(table.name)
    return names


SERVER_ONLY_TABLES = (_tables_of(server.store.models) | _tables_of(server.sync.models)
                      | _tables_of(server.queue.models) | _tables_of(server.approval.models)
                      | _tables_of(server.devices.models) | _tables_of(server.notify.models)
                      | _tables_of(server.rating.models) | _tables_of(server.attachments.models)
                      | _tables_of(server.licences.models) | _tables_of(server.archive.models))


def _first_revision(location: Path) -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    cfg = Config()
    cfg.set_main_option("script_location", str(location))
    return list(ScriptDirectory.from_config(cfg).walk_revisions())[-1].revision


def _server_tables(obj, name, type_, reflected, compare_to) -> bool:  # noqa: ANN001
    return type_ != "table" or name not in CLIENT_SYNC_TABLES


def _client_tables(obj, name, type_, reflected, compare_to) -> bool:  # noqa: ANN001
    return type_ != "table" or name not in SERVER_ONLY_TABLES


def _drift(engine, include_object) -> list:  # noqa: ANN001
    with engine.connect() as conn:
        return compare_metadata(MigrationContext.configure(conn, opts={"include_object": include_object}),
                                Base.metadata)


def test_fresh_server_database_reaches_head_and_matches_the_model(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 's.sqlite3'}")
    db.migrate()
    assert current_revision(db.engine) == head_revision(SERVER_MIGRATIONS)
    assert _drift(db.engine, _server_tables) == []


def test_fresh_client_cache_matches_the_model(tmp_path: Path) -> None:
    engine = open_cache(tmp_path / "cache.sqlite3")
    assert current_revision(engine) == head_revision(CLIENT_MIGRATIONS)
    assert _drift(engine, _client_tables) == []


@pytest.mark.pg
def test_fresh_postgresql_database_reaches_head_and_matches_the_model() -> None:
    with pg_schema_engine() as engine:
        db = Database(engine.url.render_as_string(hide_password=False), engine=engine)
        db.migrate()
        assert _drift(engine, _server_tables) == []
        db.migrate()  # a second run is a no-op
        assert current_revision(engine) == head_revision(SERVER_MIGRATIONS)


def test_upgrade_from_the_first_revision_keeps_rows(tmp_path: Path) -> None:
    from alembic import command
    from alembic.config import Config
    engine = make_engine(f"sqlite:///{tmp_path / 's.sqlite3'}")
    cfg = Config()
    cfg.set_main_option("script_location", str(SERVER_MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, _first_revision(SERVER_MIGRATIONS))
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO centre (id, code, name) VALUES (1, 'C1', '测试中心')"))
    upgrade(engine, SERVER_MIGRATIONS)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT name FROM centre WHERE code = 'C1'")).scalar_one() == "测试中心"
    assert current_revision(engine) == head_revision(SERVER_MIGRATIONS)


def test_database_newer_than_the_code_is_refused_and_left_untouched(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 's.sqlite3'}")
    db.migrate()
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
        conn.execute(text("INSERT INTO centre (code, name) VALUES ('KEEP', '保留')"))
    with pytest.raises(DatabaseTooNew) as err:
        db.migrate()
    assert "newer version" in err.value.message
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == "9999_from_the_future"
        assert conn.execute(text("SELECT count(*) FROM centre")).scalar_one() == 1


def test_client_cache_has_reference_tables_but_no_server_only_tables(tmp_path: Path) -> None:
    engine = open_cache(tmp_path / "cache.sqlite3")
    tables = set(inspect(engine).get_table_names())
    assert {"service_item", "business", "window", "calendar_override"} <= tables
    assert not tables & SERVER_ONLY
    assert engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"


def test_client_cache_is_backed_up_before_migrating(tmp_path: Path) -> None:
    from alembic import command
    from alembic.config import Config
    path = tmp_path / "cache.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    cfg = Config()
    cfg.set_main_option("script_location", str(CLIENT_MIGRATIONS))
    first = _first_revision(CLIENT_MIGRATIONS)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, first)
    engine.dispose()
    head = head_revision(CLIENT_MIGRATIONS)
    if head == first:
        # one client migration so far: pretend the cache was written at an older revision
        with make_engine(f"sqlite:///{path}").begin() as conn:
            conn.execute(text("DROP TABLE town"))
            conn.execute(text("UPDATE alembic_version SET version_num = 'older'"))
        with pytest.raises(DatabaseTooNew):  # an unknown older revision is as unknown as a newer one
            open_cache(path)
        return
    open_cache(path)
    backups = list(tmp_path.glob("cache.sqlite3.before-*.bak"))
    assert len(backups) == 1
    assert current_revision(make_engine(f"sqlite:///{backups[0]}")) == first
