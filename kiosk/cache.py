"""Opening the kiosk's cache without importing alembic when there is nothing to migrate: alembic (and its
script loading) costs a noticeable part of a cold start, and a kiosk switched on in the morning is at head."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from shared.db.engine import make_engine

MIGRATIONS = Path(__file__).resolve().parent.parent / "shared" / "migrations"
_REVISION = re.compile(r"^revision\s*(?::[^=]*)?=\s*['\"]([^'\"]+)['\"]", re.M)
_DOWN = re.compile(r"^down_revision\s*(?::[^=]*)?=\s*(.+)$", re.M)


def script_head(versions: Path) -> str | None:
    """The single head of the migration scripts, read from their text; None if it is not clear-cut (several
    heads, an unreadable script), in which case the caller lets alembic decide."""
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


def open_kiosk_cache(path: Path) -> Engine:
    """The cache at `path`, synchronous=FULL (kiosks lose power). At head: opened directly. Otherwise (new,
    older or newer than this build): shared.db.cache.open_cache migrates it or refuses it, as everywhere."""
    if path.exists():
        engine = make_engine(f"sqlite:///{path}", synchronous_full=True, immediate=True)
        head = script_head(MIGRATIONS / "versions")
        if head is not None and cache_revision(engine) == head:
            return engine
        engine.dispose()
    from shared.db.cache import open_cache
    return open_cache(path, synchronous_full=True, immediate=True)
