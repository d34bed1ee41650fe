"""Group commit for pushes to a SQLite server: concurrent pushes share one transaction.

SQLite lets one writer at a time in anyway (server.sync.push takes the write lock at BEGIN IMMEDIATE), so eight
devices pushing one ticket each wrote eight transactions one after another, each paying its BEGIN, its read of
the cache versions, its COMMIT and a hand-over of the write lock between threads. Here one thread per database
applies the pushes waiting for it together: one transaction, a savepoint per push, one COMMIT; each push is
answered only after that COMMIT, so nothing is acknowledged before it is durable, and a failed COMMIT fails
every push of the group (their devices retry: a push is idempotent by device seq).

A push refused in its savepoint (a seq gap, a bad token) is rolled back alone; the others go on. A group stops
growing at `max_commands`, so a device catching up with a big backlog does not hold many small pushes back for
long. On PostgreSQL pushes keep their own transactions: row locks let pushes of different devices and halls run
at once there, and PostgreSQL already makes concurrent commits share a WAL flush."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from sqlalchemy.orm import Session

log = logging.getLogger("govhall.sync")
T = TypeVar("T")


class _Push(Generic[T]):
    __slots__ = ("work", "size", "result", "error", "done")

    def __init__(self, work: Callable[[Session], T], size: int) -> None:
        self.work, self.size = work, size
        self.result: T | None = None
        self.error: BaseException | None = None
        self.done = threading.Event()


class GroupCommit:
    """`run(work, size)` applies `work(session)` in the next group's transaction and returns its result once
    that transaction has committed (or raises what the work, or the COMMIT, raised)."""

    def __init__(self, unit_of_work: Callable, *, max_commands: int = 200, name: str = "group-commit") -> None:
        self._unit = unit_of_work  # a context manager giving a session, committed when the block ends
        self._max = max_commands
        self._name = name
        self._waiting: queue.SimpleQueue[_Push | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self.groups = self.pushes = 0  # counted for tests and benchmarks

    def run(self, work: Callable[[Session], T], size: int = 1) -> T:
        push = _Push(work, size)
        self._ensure_thread()
        self._waiting.put(push)
        push.done.wait()
        if push.error is not None:
            raise push.error
        return push.result  # type: ignore[return-value]

    def close(self) -> None:
        """Let the waiting pushes finish, then stop the thread."""
        with self._start_lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            self._waiting.put(None)
            thread.join(timeout=30)

    def _ensure_thread(self) -> None:
        if self._thread is None:
            with self._start_lock:
                if self._thread is None:
                    self._thread = threading.Thread(target=self._loop, name=self._name, daemon=True)
                    self._thread.start()

    def _loop(self) -> None:
        while True:
            first = self._waiting.get()
            if first is None:
                return
            group, size, stop = [first], first.size, False
            while size < self._max:
                try:
                    more = self._waiting.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stop = True
                    break
                group.append(more)
                size += more.size
            self._apply(group)
            if stop:
                return

    def _apply(self, group: list[_Push]) -> None:
        try:
            with self._unit() as session:
                for push in group:
                    try:
                        with session.begin_nested():
                            push.result = push.work(session)
                    except Exception as exc:  # noqa: BLE001 - this push's own failure: its savepoint is undone
                        push.error, push.result = exc, None
        except BaseException as exc:  # BEGIN or COMMIT failed: nothing of the group was kept
            for push in group:
                if push.error is None:
                    push.error, push.result = exc, None
        finally:
            self.groups += 1
            self.pushes += len(group)
            for push in group:
                push.done.set()
