"""Which server process runs a scheduled job: the one that claims it. Every process on one database runs the
same scheduler; a job's run is claimed inside the job's own transaction, so the claim and the work commit or
roll back together:
- on PostgreSQL, `pg_try_advisory_xact_lock` on the job's name (per schema) first: while one process runs the
  job, the others skip it at once instead of queueing;
- then the `server_job` row decides whether the job is due (its last run anywhere is an interval old), so a
  process that fires just after another finished does not run the job a second time.
On SQLite the job's transaction takes the write lock at BEGIN, which serialises the same check; a SQLite server
is one process anyway (LISTEN/NOTIFY wake-ups need PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import os
import socket
from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from server.store.models import ServerJob

PROCESS = f"{socket.gethostname()}:{os.getpid()}"[:128]


@dataclass(frozen=True)
class Claim:
    won: bool
    last_run: dt.datetime | None  # the job's last run by any process, when known


def claim(session: Session, name: str, now: dt.datetime, every: dt.timedelta) -> Claim:
    """Claim this run of job `name` in the session's transaction, or say why not (another process holds it,
    or ran it less than `every` ago). The caller runs the job in the same transaction when won."""
    if session.get_bind().dialect.name == "postgresql":
        held = session.scalar(text("SELECT pg_try_advisory_xact_lock(hashtext(current_schema() || '/govhall.job/' "
                                   "|| :name))"), {"name": name})
        if not held:
            return Claim(False, None)
    row = session.scalar(select(ServerJob).where(ServerJob.name == name).with_for_update())
    if row is not None and now - row.last_run < every:
        return Claim(False, row.last_run)
    if row is None:
        row = ServerJob(name=name, last_run=now, runs=0)
        session.add(row)
    row.last_run, row.runs, row.ran_by, row.last_error = now, row.runs + 1, PROCESS, None
    session.flush()
    return Claim(True, now)


def record_failure(session: Session, name: str, now: dt.datetime, error: str) -> None:
    """A failed run rolled back with its claim: mark the interval as used so no process retries it before the
    next one, as a single process would."""
    row = session.get(ServerJob, name)
    if row is None:
        session.add(ServerJob(name=name, last_run=now, runs=0, ran_by=PROCESS, last_error=error[:500]))
    else:
        row.last_run, row.ran_by, row.last_error = now, PROCESS, error[:500]
