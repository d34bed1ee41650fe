"""Periodic server jobs (near-call scans, the daily Art. 32 sweep, notification delivery…).

Domain packages register a job with a name, an interval and a function of (session, now) returning how many
things it did. `run_due(now)` runs every job whose interval has passed, each in its own transaction, so tests
and benchmarks drive the jobs with their own clock; `start()` runs them from a daemon thread in `serve`.
A failing job is logged and retried at its next interval; it never stops the others. When a job's
transaction has committed, devices waiting on the sync hub for the halls it published to are woken, as
after a push.

Several server processes on one database each run this scheduler; a job's run is claimed in its transaction
(server/job_claims.py: a PostgreSQL advisory lock and the shared `server_job` row), so each job runs in one
process at a time and once per interval whichever processes fire.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from server import job_claims
from server.store.database import Database
from server.sync import changes
from server.sync.events import EventHub

log = logging.getLogger("govhall.server.jobs")

JobFn = Callable[[Session, dt.datetime], int]


@dataclass
class Job:
    name: str
    every: dt.timedelta
    run: JobFn
    last_run: dt.datetime | None = None
    last_result: int | None = None
    last_error: str | None = field(default=None, repr=False)


class Scheduler:
    def __init__(self, database: Database, clock: Callable[[], dt.datetime],
                 hub: EventHub | None = None) -> None:
        self.database, self.clock, self.hub = database, clock, hub
        self.jobs: dict[str, Job] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()  # run_due from the thread and from a test never overlap

    def add(self, name: str, every: dt.timedelta, run: JobFn) -> None:
        if name in self.jobs:
            raise ValueError(f"job {name!r} is already registered")
        if every <= dt.timedelta(0):
            raise ValueError(f"job {name!r}: interval must be positive")
        self.jobs[name] = Job(name, every, run)

    def run_due(self, now: dt.datetime | None = None) -> dict[str, int]:
        """Run the jobs that are due at `now`; returns {job name: result} for those that succeeded."""
        now = now or self.clock()
        done: dict[str, int] = {}
        with self._lock:
            for job in self.jobs.values():
                if job.last_run is not None and now - job.last_run < job.every:
                    continue
                job.last_run = now
                try:
                    with self.database.session() as session:
                        won = job_claims.claim(session, job.name, now, job.every)
                        if not won.won:  # another process holds it or ran it: due again an interval after
                            job.last_run = won.last_run or now
                            continue
                        job.last_result = done[job.name] = job.run(session, now)
                        halls = changes.halls_published(session)
                    job.last_error = None
                    self._wake(halls)
                except Exception as exc:  # noqa: BLE001 - one job's failure must not stop the others
                    job.last_error = f"{type(exc).__name__}: {exc}"
                    log.exception("job %s failed", job.name)
                    self._record_failure(job.name, now, job.last_error)
        return done

    def _record_failure(self, name: str, now: dt.datetime, error: str) -> None:
        try:
            with self.database.session() as session:
                job_claims.record_failure(session, name, now, error)
        except Exception:  # noqa: BLE001 - the database itself may be what failed
            log.exception("could not record the failure of job %s", name)

    def _wake(self, halls: set[int]) -> None:
        if self.hub is None or not halls:
            return
        with self.database.read_session() as session:  # the committed cursors, whatever the job did
            cursors = changes.current_seqs(session, halls)
        for hall_id, seq in cursors.items():
            self.hub.notify(hall_id, seq)

    def start(self, tick: float = 5.0) -> None:
        if self._thread is not None or not self.jobs:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, args=(tick,), name="govhall-jobs", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def _loop(self, tick: float) -> None:
        while not self._stop.is_set():
            self.run_due()
            self._stop.wait(tick)
