"""Pushes share a transaction when they wait for the writer together (SQLite) or for their hall
(PostgreSQL; server/sync/group_commit.py): each is answered only once that transaction committed, a push that fails is
undone alone, and a COMMIT that fails fails every push of the group."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager

import pytest
from sqlalchemy import text

from server.store.database import Database
from server.sync.group_commit import GroupCommit


@pytest.fixture
def db(tmp_path):  # noqa: ANN001, ANN201
    database = Database(f"sqlite:///{tmp_path / 'g.sqlite3'}")
    with database.session() as s:
        s.execute(text("CREATE TABLE t (n INTEGER)"))
    yield database
    database.dispose()


def _insert(n: int, *, fail: bool = False):  # noqa: ANN202
    def work(session):  # noqa: ANN001, ANN202
        session.execute(text("INSERT INTO t VALUES (:n)"), {"n": n})
        if fail:
            raise ValueError(f"push {n} refused")
        return n
    return work


def _rows(db: Database) -> list[int]:
    with db.read_session() as s:
        return sorted(s.execute(text("SELECT n FROM t")).scalars())


def _hold_first_group(commit: GroupCommit, then: list, first=None) -> tuple[dict, list[threading.Thread]]:  # noqa: ANN001
    """Start a push that blocks inside its group until the pushes of `then` are all queued behind it, so that
    they form the next group together (`first(session)`, if given, is its work before it returns "first").
    Returns (outcomes by name, threads)."""
    release = threading.Event()
    outcomes: dict = {}

    def blocker(session):  # noqa: ANN001, ANN202
        release.wait(10)
        return first(session) if first is not None else "first"

    def call(name, work) -> None:  # noqa: ANN001
        try:
            outcomes[name] = commit.run(work)
        except Exception as exc:  # noqa: BLE001 - the outcome under test
            outcomes[name] = exc

    threads = [threading.Thread(target=call, args=("first", blocker))]
    threads[0].start()
    time.sleep(0.1)  # the first group is running
    for name, work in then:
        threads.append(threading.Thread(target=call, args=(name, work)))
        threads[-1].start()
    deadline = time.monotonic() + 10
    while len(commit._pending) < len(then) and time.monotonic() < deadline:
        time.sleep(0.01)
    release.set()
    for t in threads:
        t.join(timeout=20)
    return outcomes, threads


def test_pushes_waiting_together_share_one_transaction_and_a_failed_one_is_undone_alone(db) -> None:  # noqa: ANN001
    commit = db.group_commit
    outcomes, _ = _hold_first_group(commit, [("a", _insert(1)), ("b", _insert(2, fail=True)), ("c", _insert(3))])
    assert outcomes["first"] == "first" and outcomes["a"] == 1 and outcomes["c"] == 3
    assert isinstance(outcomes["b"], ValueError) and "push 2 refused" in str(outcomes["b"])
    assert _rows(db) == [1, 3]  # b's insert was rolled back to its savepoint, a's and c's committed
    assert commit.pushes == 4 and commit.groups == 2  # a, b and c went up in one transaction


def test_a_push_is_answered_only_after_its_group_committed(db) -> None:  # noqa: ANN001
    seen: list[list[int]] = []

    def work(session):  # noqa: ANN001, ANN202
        session.execute(text("INSERT INTO t VALUES (7)"))
        seen.append(_rows(db))  # another connection, before the COMMIT: nothing yet
        return "ok"

    assert db.push_unit(work) == "ok"
    assert seen == [[]] and _rows(db) == [7]


def test_a_lone_push_that_fails_keeps_nothing_and_raises_its_own_error(db) -> None:  # noqa: ANN001
    with pytest.raises(ValueError, match="push 5 refused"):
        db.push_unit(_insert(5, fail=True))
    assert _rows(db) == [] and db.push_unit(_insert(6)) == 6 and _rows(db) == [6]


def test_a_failed_commit_fails_every_push_of_the_group_and_keeps_nothing(db) -> None:  # noqa: ANN001
    @contextmanager
    def failing_unit():  # noqa: ANN202 - the group's work runs, then its COMMIT fails (a full disk, say)
        with db.sessions() as session:
            session.begin()
            yield session
            session.rollback()
            raise OSError("disk full")

    outcomes, _ = _hold_first_group(GroupCommit(failing_unit), [("a", _insert(1)), ("b", _insert(2))])
    assert all(isinstance(outcomes[k], OSError) for k in ("first", "a", "b")), outcomes
    assert _rows(db) == []


def test_a_group_stops_growing_at_its_command_limit(db) -> None:  # noqa: ANN001
    commit = GroupCommit(db.session, max_commands=2)
    outcomes, _ = _hold_first_group(commit, [(n, _insert(n)) for n in range(1, 6)])
    assert [outcomes[n] for n in range(1, 6)] == [1, 2, 3, 4, 5]
    assert commit.groups == 4  # the blocker, then 1-2, 3-4 and 5
    assert _rows(db) == [1, 2, 3, 4, 5]


@pytest.mark.pg
def test_postgresql_pushes_to_one_hall_share_a_transaction_and_other_halls_go_on() -> None:
    """PostgreSQL lets one push per hall in at a time (the hall's change counter row): the pushes waiting for
    their hall form its next group, while a push to another hall commits on its own meanwhile."""
    from tests.pg import PG_URL, pg_schema_engine

    with pg_schema_engine() as engine:
        database = Database(PG_URL, engine=engine)
        with database.session() as s:
            s.execute(text("CREATE TABLE t (n INTEGER)"))
        assert database.group_commit is None
        assert database.push_unit(_insert(10)) == 10  # no device named: a unit of work of its own
        database.push_halls["kiosk-of-hall-2"] = 2  # as its last push left it
        hall_1 = database.hall_line(1)
        assert database.hall_line(1) is hall_1 and database.hall_line(2) is not hall_1
        other_hall: list = []

        def meanwhile(session):  # noqa: ANN001, ANN202 - runs while hall 1's first group is held open
            other_hall.append(database.push_unit(_insert(20), device="kiosk-of-hall-2"))
            return "first"

        outcomes, _ = _hold_first_group(hall_1, [("a", _insert(1)), ("b", _insert(2, fail=True)), ("c", _insert(3))],
                                        first=meanwhile)
        assert outcomes["first"] == "first" and outcomes["a"] == 1 and outcomes["c"] == 3, outcomes
        assert isinstance(outcomes["b"], ValueError)
        assert other_hall == [20]  # hall 2 committed while hall 1's group was still open
        assert _rows(database) == [1, 3, 10, 20]
        assert hall_1.pushes == 4 and hall_1.groups == 2 and database.hall_line(2).pushes == 1


def test_eight_devices_pushing_at_once_all_commit_once_each(db) -> None:  # noqa: ANN001
    commit, errors = db.group_commit, []

    def device(k: int) -> None:
        try:
            for i in range(50):
                assert commit.run(_insert(k * 100 + i)) == k * 100 + i
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=device, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors[:3]
    assert _rows(db) == sorted(k * 100 + i for k in range(8) for i in range(50))
    assert commit.pushes == 400 and not commit._leading and not commit._pending  # nobody left waiting
