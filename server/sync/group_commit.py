"""Group commit for pushes: pushes that wait for the same writer share one transaction.

SQLite lets one writer at a time in anyway (server.sync.push takes the write lock at BEGIN IMMEDIATE), so eight
devices pushing one ticket each wrote eight transactions one after another, each paying its BEGIN, its read of
the cache versions, its COMMIT and a hand-over of the write lock between threads. PostgreSQL lets one push per
hall in at a time (each holds the hall's change counter row until it commits: server/sync/changes.py), so the
pushes of one busy hall queued on that row lock, each holding a connection and a worker while it waited, and
paid their transactions and WAL flushes one after another. Here the pushes waiting for the writer (SQLite) or
for their hall (PostgreSQL: a group per hall, server/store/database.py) are applied together: one transaction,
a savepoint per push, one COMMIT; each push is answered only after that COMMIT, so nothing is acknowledged
before it is durable, and a failed COMMIT fails every push of the group (their devices retry: a push is
idempotent by device seq).

A push refused in its savepoint (a seq gap, a bad token) is rolled back alone; the others go on. A group stops
growing at `max_commands`, so a device catching up with a big backlog does not hold many small pushes back for
long."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from typing import Generic, TypeVar

from sqlalchemy.orm import Session

T = TypeVar("T")


class _Push(Generic[T]):
    __slots__ = ("work", "size", "result", "error", "done", "leads")

    def __init__(self, work: Callable[[Session], T], size: int) -> None:
        self.work, self.size = work, size
        self.result: T | None = None
        self.error: BaseException | None = None
        self.done = threading.Event()  # set when answered, or when handed the lead
        self.leads = False

    def outcome(self) -> T:
        if self.error is not None:
            raise self.error
        return self.result  # type: ignore[return-value]


class GroupCommit:
    """`run(work, size)` applies `work(session)` in a group's transaction and returns its result once that
    transaction has committed (or raises what the work, or the COMMIT, raised).

    No thread of its own: the push that finds no group running leads one, on its own request thread (a lone
    push pays no hand-over); pushes arriving meanwhile wait, and when the group has committed the first of them
    is handed the lead and applies all that are waiting as the next group."""

    def __init__(self, unit_of_work: Callable, *, max_commands: int = 200) -> None:
        self._unit = unit_of_work  # a context manager giving a session, committed when the block ends
        self._max = max_commands
        self._lock = threading.Lock()
        self._pending: deque[_Push] = deque()
        self._leading = False
        self.groups = self.pushes = 0  # counted for tests and benchmarks

    def run(self, work: Callable[[Session], T], size: int = 1) -> T:
        push = _Push(work, size)
        with self._lock:
            self._pending.append(push)
            leads = push.leads = not self._leading
            self._leading = True
        if not leads:
            push.done.wait()
            if not push.leads:
                return push.outcome()
        self._lead()
        return push.outcome()

    def _lead(self) -> None:
        """Apply the pushes waiting now (this one first), then hand the lead to the next waiting push, if any."""
        with self._lock:
            group = [self._pending.popleft()]
            size = group[0].size
            while self._pending and size + self._pending[0].size <= self._max:
                size += self._pending[0].size
                group.append(self._pending.popleft())
        try:
            self._apply(group)
        finally:
            with self._lock:
                if self._pending:
                    nxt = self._pending[0]
                    nxt.leads = True
                    nxt.done.set()
                else:
                    self._leading = False

    def _apply(self, group: list[_Push]) -> None:
        try:
            with self._unit() as session:
                if len(group) == 1:  # alone: the transaction is its own, no savepoint needed
                    group[0].result = group[0].work(session)
                    return
                for push in group:
                    try:
                        with session.begin_nested():
                            push.result = push.work(session)
                    except Exception as exc:  # noqa: BLE001 - this push's own failure: its savepoint is undone
                        push.error, push.result = exc, None
        except BaseException as exc:  # its own failure, or BEGIN or COMMIT failed: nothing of the group was kept
            for push in group:
                if push.error is None:
                    push.error, push.result = exc, None
        finally:
            self.groups += 1
            self.pushes += len(group)
            for push in group:
                push.done.set()
