"""A client's local SQLite cache: opened, backed up and migrated before use."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from shared.db.engine import make_engine
from shared.db.migrate import upgrade

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def open_cache(path: Path, *, synchronous_full: bool = False, immediate: bool = False) -> Engine:
    """Open (creating if needed) and migrate the cache at `path`. Kiosks and tablets, which lose power, pass
    `synchronous_full=True`; the sync engine passes `immediate=True` (see make_engine). A cache written by a
    newer GovHall raises DatabaseTooNew and is left untouched."""
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(f"sqlite:///{path}", synchronous_full=synchronous_full, immediate=immediate)
    upgrade(engine, MIGRATIONS, backup_file=path)
    return engine
