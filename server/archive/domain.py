"""The archive domain (server/domain.py): no sync commands; the `archive.assemble` job, every minute, files
the cases finished since its last run (assemble.build_pending)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from server.approval.identity import pii_keys
from server.archive import sources
from server.archive.assemble import build_pending
from server.archive.storage import SealedArchive
from server.domain import Domain
from server.scheduler import Scheduler
from server.storage import blob_store
from server.sync.registry import Registry

JOB = "archive.assemble"
EVERY = dt.timedelta(minutes=1)
AREA = "archive"


def storage_of(settings) -> SealedArchive:  # noqa: ANN001 - server.core.settings.Settings
    """The archive storage of a server: its file storage's archive area, sealed with the personal-data keys."""
    return SealedArchive(blob_store(settings, AREA), pii_keys())


def jobs(scheduler: Scheduler, state: object) -> None:
    settings = state.settings  # type: ignore[attr-defined]
    data_dir = Path(settings.data_dir)
    sources.register(state)  # the uploaded materials and the licence certificate
    scheduler.add(JOB, EVERY, lambda session, now: build_pending(session, now, storage_of(settings), data_dir))


def no_commands(registry: Registry) -> None:
    """The archive has no sync commands: it follows the approval domain's 办结."""


DOMAIN = Domain("archive", no_commands, jobs)
