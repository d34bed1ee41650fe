"""The server's writers of one SQLite file queue on a lock handed over at COMMIT (shared/db/writer_lock.py), not in
SQLite's sleeping busy handler. The busy timeout is set to 0 here, so a writer that met a busy file would fail at
once: every write below that succeeds was queued by the lock alone."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import OperationalError

from shared.db import writer_lock
from shared.db.engine import make_engine


def _engine(path, *, queue_writers: bool = True):  # noqa: ANN001, ANN202
    engine = make_engine(f"sqlite:///{path}", immediate=True, queue_writers=queue_writers)

    @event.listens_for(engine, "connect")
    def _no_busy_wait(dbapi_conn, _record):  # noqa: ANN001 - after make_engine's pragmas
        dbapi_conn.execute("PRAGMA busy_timeout=0")
    return engine


@pytest.fixture
def db(tmp_path):  # noqa: ANN001, ANN201
    engine = _engine(tmp_path / "w.sqlite3")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (n INTEGER)"))
    yield engine, writer_lock.lock_for(tmp_path / "w.sqlite3", 10)
    engine.dispose()


def test_concurrent_writers_all_commit_without_meeting_a_busy_file(db) -> None:  # noqa: ANN001
    engine, lock = db
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def writer(k: int) -> None:
        try:
            start.wait(timeout=10)
            for i in range(25):
                with engine.begin() as conn:
                    before = conn.execute(text("SELECT count(*) FROM t")).scalar()
                    conn.execute(text("INSERT INTO t VALUES (:n)"), {"n": k * 100 + i})
                    # each writer sees every earlier write: the transactions ran one after another
                    assert conn.execute(text("SELECT count(*) FROM t")).scalar() == before + 1
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors[:3]
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM t")).scalar() == 200
    assert not lock.held()


def test_a_reader_never_waits_for_the_lock(db) -> None:  # noqa: ANN001
    engine, lock = db
    reader = engine.execution_options(govhall_read_only=True)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO t VALUES (1)"))
        assert lock.held()
        with reader.connect() as r:  # a plain BEGIN under WAL: reads the last committed snapshot
            assert r.execute(text("SELECT count(*) FROM t")).scalar() == 0
    assert not lock.held()


def test_the_lock_comes_back_on_rollback_on_close_and_on_invalidation(db) -> None:  # noqa: ANN001
    engine, lock = db
    with pytest.raises(ZeroDivisionError):
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO t VALUES (1)"))
            1 / 0
    assert not lock.held()
    conn = engine.connect()
    conn.begin()
    conn.execute(text("INSERT INTO t VALUES (2)"))
    assert lock.held()
    conn.close()  # neither commit nor rollback: the pool's reset rolls it back
    assert not lock.held()
    conn = engine.connect()
    conn.begin()
    assert lock.held()
    conn.invalidate()
    assert not lock.held()
    conn.close()
    with engine.begin() as conn:  # and the next writer goes at once
        conn.execute(text("INSERT INTO t VALUES (3)"))
    with engine.connect() as conn:
        assert [r[0] for r in conn.execute(text("SELECT n FROM t"))] == [3]


def test_a_begin_refused_by_another_process_gives_the_lock_back(db, tmp_path) -> None:  # noqa: ANN001
    engine, lock = db
    other = _engine(tmp_path / "w.sqlite3", queue_writers=False)  # as another process would: no shared lock
    try:
        with other.begin() as held:
            held.execute(text("INSERT INTO t VALUES (1)"))
            with pytest.raises(OperationalError, match="locked"):
                with engine.begin():
                    pass
            assert not lock.held()
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO t VALUES (2)"))
    finally:
        other.dispose()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM t")).scalar() == 2


def test_a_nested_writer_in_the_same_thread_fails_as_before_instead_of_waiting_for_itself(db) -> None:  # noqa: ANN001
    engine, lock = db
    lock.timeout_s = 60  # were the inner writer to wait for the lock its own thread holds, this would show
    try:
        with engine.begin() as outer:
            outer.execute(text("INSERT INTO t VALUES (1)"))
            started = time.monotonic()
            with pytest.raises(OperationalError, match="locked"):
                with engine.begin():
                    pass
            assert time.monotonic() - started < 30
            assert lock.held()  # still the outer transaction's
        assert not lock.held()
    finally:
        lock.timeout_s = 10
