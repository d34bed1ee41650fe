"""Devices' reads (pull, snapshot, long-poll checks) do not queue for SQLite's write lock: while a push holds
it, a read answers at once from the last committed state; another writer still waits its turn."""

from __future__ import annotations

import threading
import time

from sqlalchemy import text

from server.store.database import Database


def test_a_read_does_not_wait_for_a_writer_but_a_writer_does(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'server.db'}")
    with db.session() as s:
        s.execute(text("CREATE TABLE t (v INTEGER)"))
        s.execute(text("INSERT INTO t VALUES (1)"))
    holding, release = threading.Event(), threading.Event()

    def push() -> None:
        with db.session() as s:  # BEGIN IMMEDIATE: holds the write lock until release
            s.execute(text("INSERT INTO t VALUES (2)"))
            holding.set()
            release.wait(5)

    writer = threading.Thread(target=push)
    writer.start()
    assert holding.wait(5)
    try:
        began = time.perf_counter()
        with db.read_session() as s:
            seen = s.execute(text("SELECT count(*) FROM t")).scalar_one()
        assert seen == 1 and time.perf_counter() - began < 0.5  # the committed state, without waiting

        second: list[float] = []

        def other_writer() -> None:
            t0 = time.perf_counter()
            with db.session() as s:
                s.execute(text("INSERT INTO t VALUES (3)"))
            second.append(time.perf_counter() - t0)

        blocked = threading.Thread(target=other_writer)
        blocked.start()
        blocked.join(0.3)
        assert blocked.is_alive()  # a write still queues behind the write lock
    finally:
        release.set()
        writer.join(5)
    blocked.join(5)
    assert second and second[0] >= 0.25
    with db.read_session() as s:
        assert s.execute(text("SELECT count(*) FROM t")).scalar_one() == 3
    db.dispose()
