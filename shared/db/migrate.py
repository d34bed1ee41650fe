"""Run alembic migrations programmatically, and refuse a database newer than the code. alembic (about 35 MiB
with mako and pygments) is imported only when these functions run, so a process that does not migrate — the
server's workers, which `python -m server serve` migrates for in a short-lived child — never loads it."""

from __future__ import annotations

import shutil
from pathlib import Path

from typing import TYPE_CHECKING

from sqlalchemy import Engine

from shared.db.base import UtcDateTime
from shared.errors import DomainError

if TYPE_CHECKING:
    from alembic.config import Config


class DatabaseTooNew(DomainError):
    code = "database_too_new"


def render_item(type_, obj, autogen_context):  # noqa: ANN001
    """Autogenerate hook: UtcDateTime only converts values; its DDL is a plain timezone-aware DateTime."""
    if type_ == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _config(script_location: Path) -> Config:
    from alembic.config import Config
    cfg = Config()
    cfg.set_main_option("script_location", str(script_location))
    return cfg


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision(script_location: Path) -> str:
    from alembic.script import ScriptDirectory
    return ScriptDirectory.from_config(_config(script_location)).get_current_head()


def check_not_newer(engine: Engine, script_location: Path) -> None:
    from alembic.script import ScriptDirectory
    rev = current_revision(engine)
    if rev is None:
        return
    script = ScriptDirectory.from_config(_config(script_location))
    known = {s.revision for s in script.walk_revisions()}
    if rev not in known:
        raise DatabaseTooNew(
            f"the database is at migration {rev}, which this version of GovHall does not know: it was written by "
            f"a newer version. Upgrade GovHall (or restore a backup); the database was not changed.",
            revision=rev)


BACKUP_GLOB = "{name}.before-*.bak"  # the copies upgrade() makes: <file>.before-<head>.bak (and its -wal)


def backups_of(file: Path) -> list[Path]:
    """The copies of `file` that upgrade() made before migrating it (an older GovHall's included)."""
    return sorted(file.parent.glob(BACKUP_GLOB.format(name=file.name)))


def upgrade(engine: Engine, script_location: Path, *, backup_file: Path | None = None) -> str | None:
    """Migrate to head. With `backup_file` (a SQLite file), copy it aside first when a migration is due.
    Returns the backup's path if one was made."""
    check_not_newer(engine, script_location)
    head = head_revision(script_location)
    current = current_revision(engine)
    if current == head:
        return None
    made = None
    if backup_file is not None and backup_file.exists() and current is not None:
        made = backup_file.with_name(f"{backup_file.name}.before-{head}.bak")
        engine.dispose()  # release WAL handles so the copy is complete
        shutil.copy2(backup_file, made)
        wal = backup_file.with_name(backup_file.name + "-wal")
        if wal.exists():
            shutil.copy2(wal, made.with_name(made.name + "-wal"))
    from alembic import command
    cfg = _config(script_location)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return str(made) if made else None
