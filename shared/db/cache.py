"""A client's local SQLite cache: opened, backed up and migrated before use.

A cache already at the scripts' head is opened without importing alembic: alembic and its script loading
cost a noticeable part of a cold start, and a kiosk or workstation switched on in the morning is at head.
Anything else (new, older, newer than this build) goes through shared.db.migrate, which migrates or refuses.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from shared.db.engine import make_engine
from shared.db.files import make_private_dirs
from shared.sync import cache_seal

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
_REVISION = re.compile(r"^revision\s*(?::[^=]*)?=\s*['\"]([^'\"]+)['\"]", re.M)
_DOWN = re.compile(r"^down_revision\s*(?::[^=]*)?=\s*(.+)$", re.M)


def script_head(versions: Path) -> str | None:
    """The single head of the migration scripts, read from their text; None if it is not clear-cut (several
    heads, an unreadable script), in which case alembic decides."""
    revisions, parents = set(), set()
    for script in versions.glob("*.py"):
        source = script.read_text(encoding="utf-8")
        rev, down = _REVISION.search(source), _DOWN.search(source)
        if rev is None or down is None:
            return None
        revisions.add(rev.group(1))
        parents.update(re.findall(r"['\"]([^'\"]+)['\"]", down.group(1)))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def cache_revision(engine: Engine) -> str | None:
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    except OperationalError:  # no such table: a new cache
        return None
    return rows[0] if len(rows) == 1 else None


def open_cache(path: Path, *, synchronous_full: bool = False, immediate: bool = False) -> Engine:
    """Open (creating if needed) and migrate the cache at `path`. Kiosks and tablets, which lose power, pass
    `synchronous_full=True`; the sync engine passes `immediate=True` (see make_engine). A cache written by a
    newer GovHall raises DatabaseTooNew and is left untouched."""
    existed = path.exists()
    make_private_dirs(path.parent)
    engine = make_engine(f"sqlite:///{path}", synchronous_full=synchronous_full, immediate=immediate)
    cache_seal.attach(engine, path)  # personal fields sealed under a key kept beside, not in, the cache
    head = script_head(MIGRATIONS / "versions") if existed else None
    if head is None or cache_revision(engine) != head:
        from shared.db.migrate import upgrade
        upgrade(engine, MIGRATIONS, backup_file=path)
    cache_seal.seal_clear_rows(engine)
    cache_seal.seal_backups(engine, path)  # backups made before sealing: sealed once the cache is verified
    return engine
