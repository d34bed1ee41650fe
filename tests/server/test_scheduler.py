"""The periodic job runner: intervals, isolation of failures, one transaction per job."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, text

from server.scheduler import Scheduler
from tests.clock import TickingClock
from server.store.database import Database

T0 = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.timezone.utc)


@pytest.fixture()
def database(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'jobs.db'}")
    db.migrate()  # the scheduler records each job's runs in server_job
    with db.session() as s:
        s.execute(text("CREATE TABLE hits (job TEXT)"))
    yield db
    db.dispose()


def hits(db: Database) -> list[str]:
    with db.session() as s:
        return [r[0] for r in s.execute(text("SELECT job FROM hits ORDER BY rowid"))]


def test_jobs_run_when_due_and_not_before(database):
    sched = Scheduler(database, lambda: T0)

    def tick(session, now):
        session.execute(text("INSERT INTO hits VALUES ('tick')"))
        return 1

    sched.add("tick", dt.timedelta(minutes=1), tick)
    assert sched.run_due(T0) == {"tick": 1}
    assert sched.run_due(T0 + dt.timedelta(seconds=59)) == {}
    assert sched.run_due(T0 + dt.timedelta(minutes=1)) == {"tick": 1}
    assert hits(database) == ["tick", "tick"]


def test_a_failing_job_rolls_back_alone_and_the_others_still_run(database):
    sched = Scheduler(database, lambda: T0)

    def broken(session, now):
        session.execute(text("INSERT INTO hits VALUES ('broken')"))
        raise RuntimeError("disk full")

    def fine(session, now):
        session.execute(text("INSERT INTO hits VALUES ('fine')"))
        return 2

    sched.add("broken", dt.timedelta(minutes=5), broken)
    sched.add("fine", dt.timedelta(minutes=5), fine)
    assert sched.run_due(T0) == {"fine": 2}
    assert hits(database) == ["fine"]  # the broken job's insert was rolled back
    assert sched.jobs["broken"].last_error == "RuntimeError: disk full"


def test_registration_is_validated(database):
    sched = Scheduler(database, lambda: T0)
    sched.add("a", dt.timedelta(seconds=1), lambda s, n: 0)
    with pytest.raises(ValueError, match="already registered"):
        sched.add("a", dt.timedelta(seconds=1), lambda s, n: 0)
    with pytest.raises(ValueError, match="positive"):
        sched.add("b", dt.timedelta(0), lambda s, n: 0)


def test_the_thread_runs_jobs_and_stops(database):
    import threading
    ran = threading.Event()
    sched = Scheduler(database, TickingClock(T0))
    sched.add("ping", dt.timedelta(hours=1), lambda s, n: ran.set() or 1)
    sched.start(tick=0.01)
    try:
        assert ran.wait(5)
    finally:
        sched.stop()
    assert sched._thread is None


class Hub:
    def __init__(self) -> None:
        self.woken: list[tuple[int, int]] = []

    def notify(self, hall_id: int, seq: int) -> None:
        self.woken.append((hall_id, seq))


def test_devices_are_woken_for_what_a_job_published_once_it_committed(sqlite_database):
    from shared.db.models import Hall
    from server.sync import changes
    db = sqlite_database
    with db.session() as s:
        hall = s.scalars(select(Hall.id)).first()
        before = changes.current_seq(s, hall)
    hub = Hub()
    sched = Scheduler(db, lambda: T0, hub)
    seen_inside: list[list] = []

    def publish(session, now):
        changes.publish(session, hall, f"hall:{hall}", "queue_ticket", "t1", {"id": "t1"}, now=now)
        changes.publish(session, hall, f"hall:{hall}", "queue_ticket", "t2", {"id": "t2"}, now=now)
        seen_inside.append(list(hub.woken))
        return 2

    def publish_then_fail(session, now):
        changes.publish(session, hall, f"hall:{hall}", "queue_ticket", "t3", {"id": "t3"}, now=now)
        raise RuntimeError("boom")

    sched.add("publish", dt.timedelta(minutes=1), publish)
    sched.add("fails", dt.timedelta(minutes=1), publish_then_fail)
    sched.run_due(T0)
    assert seen_inside == [[]]                  # nobody is woken before the commit
    assert hub.woken == [(hall, before + 2)]    # after it, once, at the committed cursor; the failed job: no


def test_two_schedulers_on_one_database_run_each_job_once_per_interval(database):
    """Two server processes each run a scheduler: whichever fires first runs the job, the other skips it."""
    first, second = Scheduler(database, lambda: T0), Scheduler(database, lambda: T0)
    for sched in (first, second):
        sched.add("tick", dt.timedelta(minutes=1), lambda session, now: session.execute(
            text("INSERT INTO hits VALUES ('tick')")).rowcount)
    assert first.run_due(T0) == {"tick": 1}
    assert second.run_due(T0 + dt.timedelta(seconds=10)) == {}
    assert second.run_due(T0 + dt.timedelta(minutes=1)) == {"tick": 1}
    assert first.run_due(T0 + dt.timedelta(minutes=1, seconds=5)) == {}
    assert hits(database) == ["tick", "tick"]
