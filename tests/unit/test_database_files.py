"""Database files are created 0600 in a 0700 directory (issue 18: the server's file was world-readable),
the WAL and SHM files included; a cache opened by the client or a kiosk too."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from sqlalchemy import text

from shared.db.cache import open_cache
from shared.db.engine import make_engine


def _mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


def test_a_new_server_database_is_private(tmp_path: Path) -> None:
    old = os.umask(0o022)  # the usual umask: SQLite alone would create 0644 files
    try:
        path = tmp_path / "data" / "govhall" / "server.sqlite3"
        engine = make_engine(f"sqlite:///{path}")
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE t (x TEXT)"))
            conn.execute(text("INSERT INTO t VALUES ('110105194912310021')"))
        with engine.connect() as conn:  # WAL and SHM exist while a connection is open
            conn.execute(text("SELECT * FROM t")).all()
            files = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
            assert all(f.exists() for f in files)
            assert [_mode(f) for f in files] == [0o600] * 3
        engine.dispose()
        assert _mode(path.parent) == 0o700 and _mode(path.parent.parent) == 0o700
    finally:
        os.umask(old)


def test_an_existing_world_readable_database_is_narrowed(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    path.touch(mode=0o644)
    os.chmod(path, 0o644)
    make_engine(f"sqlite:///{path}").dispose()
    assert _mode(path) == 0o600
    assert _mode(tmp_path) == stat.S_IMODE(tmp_path.stat().st_mode)  # a directory we did not make is left


def test_a_client_cache_is_private(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        path = tmp_path / "kiosk" / "cache.sqlite3"
        engine = open_cache(path, synchronous_full=True)
        engine.dispose()
        assert _mode(path) == 0o600 and _mode(path.parent) == 0o700
    finally:
        os.umask(old)
