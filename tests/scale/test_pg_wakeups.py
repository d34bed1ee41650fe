"""Wake-ups across processes on one PostgreSQL (server/sync/pg_wakeups.py), in one test process: the writer is a
second Database (its own pool, its own hub), as another server process would be; only NOTIFY connects them."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import select, text

from server.store.database import Database
from server.sync import changes
from server.sync.events import EventHub
from server.sync.pg_wakeups import HallListener
from shared.db.models import Hall
from tests.clock import WORKING_DAY_10
from tests.pg import pg_database

pytestmark = pytest.mark.pg


@pytest.fixture
def two_processes(pg_template: str) -> Iterator[tuple[Database, Database]]:
    """(reader, writer): two Database objects on one fresh copy of the demo database."""
    with pg_database(template=pg_template) as engine:
        url = engine.url.render_as_string(hide_password=False)
        reader, writer = Database(url), Database(url)
        yield reader, writer
        reader.dispose()
        writer.dispose()


def hall_id(db: Database) -> int:
    with db.read_session() as session:
        return session.scalars(select(Hall.id).order_by(Hall.id)).first()


def cursor(db: Database, hall: int) -> int:
    with db.read_session() as session:
        return changes.current_seq(session, hall)


def publish(db: Database, hall: int, *, fail: bool = False) -> None:
    with db.session() as session:
        changes.publish(session, hall, f"hall:{hall}", "test_note", "1", {"n": 1}, now=WORKING_DAY_10)
        if fail:
            raise RuntimeError("rolled back")


def wait_live(listener: HallListener, connects: int = 1) -> None:
    for _ in range(500):
        if listener.live and listener.connects >= connects:
            return
        time.sleep(0.01)
    raise AssertionError("the listener did not (re)connect")


async def wait_for_change(hub: EventHub, db: Database, hall: int, since: int, timeout: float) -> tuple[bool, int, float]:
    started = time.monotonic()
    changed, seq = await hub.wait(hall, since, timeout, lambda: asyncio.to_thread(cursor, db, hall))
    return changed, seq, time.monotonic() - started


def test_a_commit_through_another_process_wakes_the_waiter_at_once(two_processes) -> None:
    reader, writer = two_processes
    hall = hall_id(reader)
    hub = EventHub()
    listener = HallListener(reader.engine, hub)
    listener.start()
    try:
        wait_live(listener)
        since = cursor(reader, hall)

        async def scenario() -> tuple[bool, int, float]:
            waiting = asyncio.create_task(wait_for_change(hub, reader, hall, since, timeout=10))
            await asyncio.sleep(0.2)  # the waiter is subscribed
            await asyncio.to_thread(publish, writer, hall)
            return await waiting

        changed, seq, waited = asyncio.run(scenario())
    finally:
        listener.stop()
    assert changed and seq == since + 1
    assert waited < 2.0  # woken by the NOTIFY, not by its 10 s timeout


def test_a_rolled_back_write_wakes_nobody(two_processes) -> None:
    reader, writer = two_processes
    hall = hall_id(reader)
    hub = EventHub()
    listener = HallListener(reader.engine, hub)
    listener.start()
    try:
        wait_live(listener)
        since = cursor(reader, hall)

        async def scenario() -> tuple[bool, int, float]:
            waiting = asyncio.create_task(wait_for_change(hub, reader, hall, since, timeout=1.0))
            await asyncio.sleep(0.1)
            with pytest.raises(RuntimeError):
                await asyncio.to_thread(publish, writer, hall, fail=True)
            return await waiting

        changed, seq, _ = asyncio.run(scenario())
    finally:
        listener.stop()
    assert (changed, seq) == (False, since)


def test_a_lost_listener_connection_loses_no_wake_up(two_processes) -> None:
    """The listener's connection is killed; a commit lands while it is down: the waiter still learns of it
    (re-checking the database while the feed is down, and from the listener's re-read once it is back)."""
    reader, writer = two_processes
    hall = hall_id(reader)
    hub = EventHub()
    listener = HallListener(reader.engine, hub, retry_seconds=0.5, poll_seconds=0.3)
    listener.start()
    try:
        wait_live(listener)
        since = cursor(reader, hall)

        async def scenario() -> tuple[bool, int, float]:
            waiting = asyncio.create_task(wait_for_change(hub, reader, hall, since, timeout=10))
            await asyncio.sleep(0.1)

            def kill_then_write() -> None:
                with writer.session() as session:
                    session.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": listener.backend_pid})
                publish(writer, hall)
            await asyncio.to_thread(kill_then_write)
            return await waiting

        changed, seq, waited = asyncio.run(scenario())
        wait_live(listener, connects=2)  # and it came back
    finally:
        listener.stop()
    assert changed and seq == since + 1
    assert waited < 5.0


def test_two_schedulers_firing_together_run_a_job_once(two_processes) -> None:
    """Both processes' schedulers fire at the same instant: the advisory lock lets one run the job; the other
    skips it (and does not run it after the first commits either)."""
    from server.scheduler import Scheduler
    reader, writer = two_processes
    now = WORKING_DAY_10
    runs: list[str] = []

    def make(name: str, db: Database) -> Scheduler:
        sched = Scheduler(db, lambda: now)

        def job(session, at: dt.datetime) -> int:  # noqa: ANN001
            runs.append(name)
            time.sleep(0.3)  # long enough for the other process to fire meanwhile
            return 1
        sched.add("queue.close_day", dt.timedelta(minutes=10), job)
        return sched

    first, second = make("first", reader), make("second", writer)
    start = threading.Barrier(2)
    results: dict[str, dict] = {}

    def fire(name: str, sched: Scheduler) -> None:
        start.wait()
        results[name] = sched.run_due(now)

    threads = [threading.Thread(target=fire, args=item) for item in (("first", first), ("second", second))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(runs) == 1
    assert sorted(len(r) for r in results.values()) == [0, 1]
    # after the winner committed, the loser fires again within the interval: still nothing
    loser = second if runs == ["first"] else first
    assert loser.run_due(now + dt.timedelta(minutes=1)) == {}
    assert len(runs) == 1
