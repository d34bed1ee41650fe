"""A cache that is already at head opens without importing alembic (the kiosk's cold start); anything else
still goes through the shared migrate-or-refuse path."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from shared.db.cache import MIGRATIONS, open_cache, script_head
from shared.db.migrate import DatabaseTooNew, head_revision

ROOT = Path(__file__).resolve().parents[2]


def test_the_head_read_from_the_scripts_is_alembics() -> None:
    assert script_head(MIGRATIONS / "versions") == head_revision(MIGRATIONS)


def test_a_cache_at_head_opens_without_alembic(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.sqlite3"
    open_cache(path).dispose()
    probe = ("import sys; from pathlib import Path; from kiosk.app import prepare_cache; "
             f"e = prepare_cache(Path({str(path)!r}), False); "
             "print(e.connect().exec_driver_sql('select count(*) from hall').scalar(), 'alembic' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["0", "False"], out.stderr[-800:]


def test_a_new_cache_is_migrated(tmp_path: Path) -> None:
    engine = open_cache(tmp_path / "new.sqlite3")
    with engine.connect() as conn:
        assert conn.scalar(text("select version_num from alembic_version")) == head_revision(MIGRATIONS)
    engine.dispose()


def test_a_cache_from_a_newer_build_is_still_refused(tmp_path: Path) -> None:
    path = tmp_path / "newer.sqlite3"
    engine = open_cache(path)
    with engine.begin() as conn:
        conn.execute(text("update alembic_version set version_num = '9999_from_the_future'"))
    engine.dispose()
    with pytest.raises(DatabaseTooNew):
        open_cache(path)
