"""Migration 0061 gives every ticket already stored its line column (the queue key's ms) and replaces the hall's
day-and-state index with the line's index, on SQLite and on PostgreSQL: a ticket issued before the upgrade is
still found and called after it."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, inspect, text

from server.store.database import MIGRATIONS
from shared.db.migrate import upgrade
from tests.pg import pg_schema_engine

KEYS = {"t-early": 1_796_000_000_000, "t-late": 1_796_000_123_456}


def _tickets_at_0060(engine: Engine) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0060_scope_floor_version")
    with engine.connect() as conn:  # no hall or business rows: the tickets alone, their keys not checked
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql("SET session_replication_role = replica")
        for ticket_id, ms in KEYS.items():
            conn.execute(text(
                "INSERT INTO queue_ticket (id, hall_id, business_id, issued_business_id, series_prefix, day, display,"
                " device_id, channel, priority_class, issued_at, queue_key, state, recalls, transfers, periods,"
                " printed, print_state, flags, counts_against_quota, is_am, issued_wall, updated_at) VALUES"
                " (:id, 1, 1, 1, 'A', '2026-12-07', :id, 'd', 'dispenser', 3, :key, :key, 'waiting', 0, 0, '[]',"
                " true, 'printed', '[]', true, true, '2026-12-07 01:00:00', '2026-12-07 01:00:00')"),
                {"id": ticket_id, "key": f"[{ms}, 0, \"d\", 1]"})
        conn.commit()


def _check(engine: Engine) -> None:
    upgrade(engine, MIGRATIONS)
    with engine.connect() as conn:
        assert dict(conn.execute(text("SELECT id, line_ms FROM queue_ticket")).all()) == KEYS
    indexes = {i["name"]: i["column_names"] for i in inspect(engine).get_indexes("queue_ticket")}
    assert indexes["ix_queue_ticket_line"] == ["hall_id", "day", "state", "business_id", "priority_class", "line_ms"]
    assert "ix_queue_ticket_hall_day_state" not in indexes


def test_sqlite_tickets_get_their_line(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'server.sqlite3'}")  # SQLite's default: no foreign keys
    try:
        _tickets_at_0060(engine)
        _check(engine)
    finally:
        engine.dispose()


@pytest.mark.pg
def test_postgresql_tickets_get_their_line() -> None:
    with pg_schema_engine() as engine:
        _tickets_at_0060(engine)
        _check(engine)
