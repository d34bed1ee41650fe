"""Migration 0013 seals the names a person register already holds (issue 18): no clear name is left in the
database file, the server reads each name back through the model, and without the keys the migration refuses
rather than drop the names."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import text

from server.store.database import MIGRATIONS
from shared.db.engine import make_engine
from shared.db.migrate import upgrade

KEYS = {"GOVHALL_PII_KEYS": "k1:00112233445566778899aabbccddeeff", "GOVHALL_PII_INDEX_KEY": "ab" * 32}
NAME = "欧阳娜娜"


def _at_0012(path: Path) -> None:
    engine = make_engine(f"sqlite:///{path}")
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0012_personal_data_sealed")
    engine.dispose()
    with sqlite3.connect(path) as db:  # a row as the import before 0013 wrote it
        db.execute("INSERT INTO registry_person (id_key, id_sealed, id_masked, name) "
                   "VALUES ('key1', 'v1.k1.x', '110105********002X', ?)", (NAME,))


def test_existing_register_names_are_sealed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in KEYS.items():
        monkeypatch.setenv(name, value)
    path = tmp_path / "server.sqlite3"
    _at_0012(path)
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine, MIGRATIONS)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    assert NAME.encode() not in path.read_bytes()
    from server.approval.models import RegistryPerson
    from server.store.database import Database
    db = Database(f"sqlite:///{path}")
    with db.session() as s:
        assert s.get(RegistryPerson, "key1").name == NAME
    db.dispose()


def test_without_keys_it_refuses_rather_than_drop_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in KEYS:
        monkeypatch.delenv(name, raising=False)
    path = tmp_path / "server.sqlite3"
    _at_0012(path)
    engine = make_engine(f"sqlite:///{path}")
    with pytest.raises(RuntimeError, match="GOVHALL_PII_KEYS"):
        upgrade(engine, MIGRATIONS)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT name FROM registry_person")).scalar_one() == NAME
    engine.dispose()
