"""Database files hold personal data (sealed, but also masked values and everything else): a SQLite file is
created readable by its owner only (0600), in a directory only its owner may enter (0700) when GovHall
creates that directory. SQLite gives the -wal and -shm files the database file's own permissions."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from sqlalchemy.engine import make_url

FILE_MODE = 0o600
DIR_MODE = 0o700


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (None: not SQLite, or in memory)."""
    parsed = make_url(url)
    if not parsed.get_backend_name() == "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    if parsed.database.startswith("file:"):  # URI filenames: left to whoever wrote them
        return None
    return Path(parsed.database)


def make_private_dirs(directory: Path) -> None:
    """Create what is missing, each new level 0700 (an existing directory is not ours to change)."""
    missing = []
    d = directory
    while not d.exists():
        missing.append(d)
        d = d.parent
    for d in reversed(missing):
        d.mkdir(mode=DIR_MODE, exist_ok=True)
        os.chmod(d, DIR_MODE)  # mkdir's mode is masked by the umask


def secure_database_file(path: Path) -> None:
    """Create the file 0600 before SQLite opens it, or narrow an existing one of ours (and its WAL/SHM)."""
    make_private_dirs(path.parent)
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE))
    for f in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"),
              path.with_name(path.name + "-journal")):
        try:
            st = f.stat()
        except FileNotFoundError:
            continue
        if st.st_uid == os.getuid() and stat.S_IMODE(st.st_mode) & 0o077:
            os.chmod(f, FILE_MODE)


def erase_wal(engine) -> None:  # noqa: ANN001
    """Checkpoint and truncate a SQLite database's WAL: old page images (a value since replaced or deleted)
    leave the disk. Best effort: with a reader still open the WAL stays, and the next call tries again."""
    if engine.dialect.name != "sqlite":
        return
    raw = engine.raw_connection()
    try:
        raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()
