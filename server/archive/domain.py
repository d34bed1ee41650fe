"""The archive domain (server/domain.py): no sync commands; the `archive.assemble` job, every minute, files
the cases finished since its last run (assemble.build_pending)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from server.approval.identity import pii_keys
from server.archive import sources
from server.archive.assemble import build_pending
from server.archive.storage import FileArchiveStorage
from server.domain import Domain
from server.scheduler import Scheduler
from server.sync.registry import Registry

JOB = "archive.assemble"
EVERY = dt.timedelta(minutes=1)
FOLDER = "archive"


def storage_of(data_dir: Path) -> FileArchiveStorage:
    """The archive storage of a server: <data_dir>/archive, sealed with the personal-data keys."""
    return FileArchiveStorage(Path(data_dir) / FOLDER, pii_keys())


def jobs(scheduler: Scheduler, state: object) -> None:
    data_dir = Path(state.settings.data_dir)  # type: ignore[attr-defined]
    sources.register(state)  # the uploaded materials and the licence certificate
    scheduler.add(JOB, EVERY, lambda session, now: build_pending(session, now, storage_of(data_dir), data_dir))


def no_commands(registry: Registry) -> None:
    """The archive has no sync commands: it follows the approval domain's 办结."""


DOMAIN = Domain("archive", no_commands, jobs)
