"""The attachments domain (server/domain.py): no sync commands (files travel by their own routes); one job
drops uploads left unfinished longer than a device may stay offline (SYNC.md: 30 days), chunks included. A
counter that comes back later starts that file over."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from server.attachments.models import AttachmentChunk, CaseAttachment
from server.attachments.service import store_of
from server.domain import Domain
from server.scheduler import Scheduler
from server.storage import BlobStore
from server.sync.registry import Registry

JOB = "attachments.stale_uploads"  # "<domain>.<job>" like every job
EVERY = dt.timedelta(hours=1)
KEEP_UNFINISHED = dt.timedelta(days=30)


def drop_stale(session: Session, now: dt.datetime, store: BlobStore) -> int:
    stale = session.execute(select(CaseAttachment.id, CaseAttachment.chunks).where(
        CaseAttachment.state == "uploading", CaseAttachment.created_at < now - KEEP_UNFINISHED)).all()
    for attachment_id, chunks in stale:
        session.execute(delete(AttachmentChunk).where(AttachmentChunk.attachment_id == attachment_id))
        session.execute(delete(CaseAttachment).where(CaseAttachment.id == attachment_id))
        for index in range(chunks):
            store.delete(f"{attachment_id}/{index}")
    return len(stale)


def jobs(scheduler: Scheduler, state: Any) -> None:
    scheduler.add(JOB, EVERY, lambda session, now: drop_stale(session, now, store_of(state.settings)))


def no_commands(registry: Registry) -> None:
    """Files do not travel as commands."""


DOMAIN = Domain("attachments", no_commands, jobs)
