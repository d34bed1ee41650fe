"""The event hub: devices wait for "your hall changed" without holding a thread. One asyncio.Event per hall and
cursor waited from, set and dropped when the hall's cursor passes it; sync handlers run in worker threads and
notify through the loop. Usually a hall's devices all wait from its current cursor and share one event; one
waiting from further on (a device ahead of a restored server, or a benchmark's idle device) sleeps through the
changes that do not reach it instead of waking and going back to sleep at each of them.

One process: every write notifies the hub after its commit. Several processes on one PostgreSQL: a `feed`
(server/sync/pg_wakeups.HallListener) also delivers the other processes' commits, heard through LISTEN. While the
feed is not live (connecting, or its connection was lost) the hub's cursors may be behind, so a waiter re-checks
its hall's cursor in the database after subscribing and then every `feed.poll_seconds`; once the feed is live
again it has re-read every hall's cursor, and waiting needs the database no more."""

from __future__ import annotations

import asyncio
import random
import threading
from collections.abc import Awaitable, Callable
from typing import Protocol


# A long-poll ends quietly at a random point of the last fifth of its timeout. Every change of a hall wakes
# all its devices at once and they all poll again, so with the same timeout they would time out together for
# as long as the hall stays quiet: thousands of polls answered and renewed in one instant, with every other
# request waiting behind them for seconds (bench.load --staff on PostgreSQL). Spread, they drift apart, for
# about a tenth more polls.
SPREAD = 0.2
_RNG = random.Random()


def spread(timeout: float, rng: random.Random = _RNG) -> float:
    """How long to wait for a poll asked to wait `timeout` seconds at most."""
    return timeout * (1 - SPREAD * rng.random())


class Feed(Protocol):
    live: bool
    poll_seconds: float


class EventHub:
    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_lock = threading.Lock()  # a notify from a thread never slips past the loop's first waiter
        self._seq: dict[int, int] = {}
        self._events: dict[int, dict[int, _Waiting]] = {}  # hall -> cursor waited from -> its waiters
        self.feed: Feed | None = None

    def notify(self, hall_id: int, seq: int) -> None:
        """Safe from any thread: called after a write transaction of the hall committed."""
        with self._loop_lock:
            loop = self._loop
            if loop is None or loop.is_closed():
                self._seq[hall_id] = max(self._seq.get(hall_id, 0), seq)
                return
        loop.call_soon_threadsafe(self._advance, hall_id, seq)

    def wake_all(self) -> None:
        """Safe from any thread: every waiter looks again (the feed went down; they re-check the database)."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._wake_all)

    def _wake_all(self) -> None:
        halls, self._events = self._events, {}
        for waiting in halls.values():
            for group in waiting.values():
                group.event.set()

    def _advance(self, hall_id: int, seq: int) -> None:
        if seq <= self._seq.get(hall_id, 0):
            return
        self._seq[hall_id] = seq
        waiting = self._events.get(hall_id)
        if waiting:
            for since in [since for since in waiting if since < seq]:
                waiting.pop(since).event.set()

    def waiting(self) -> int:
        """How many halls have a device waiting."""
        return sum(1 for waiting in self._events.values() if waiting)

    def _trusted(self) -> bool:
        return self.feed is None or self.feed.live

    async def wait(self, hall_id: int, since: int, timeout: float,
                   current: Callable[[], Awaitable[int]]) -> tuple[bool, int]:
        """Return (True, seq) as soon as the hall's cursor passes `since`, or (False, seq) after `timeout`."""
        loop = asyncio.get_running_loop()
        if self._loop is not loop:  # the first waiter (or a new loop, as a test client starts one)
            with self._loop_lock:
                self._loop = loop
        if hall_id not in self._seq:  # first waiter since start: learn the hall's cursor once
            self._advance(hall_id, await current())
            self._seq.setdefault(hall_id, 0)
        deadline = loop.time() + timeout
        while self._seq[hall_id] <= since:
            waiting = self._events.setdefault(hall_id, {})
            group = waiting.get(since) or waiting.setdefault(since, _Waiting())
            group.count += 1
            try:
                trusted = self._trusted()
                if not trusted:  # subscribed first, then re-checked: a commit in between still sets the event
                    self._advance(hall_id, await current())
                    if self._seq[hall_id] > since:
                        break
                remaining = deadline - loop.time()
                if remaining <= 0:
                    return False, self._seq[hall_id]
                try:  # asyncio.timeout, not wait_for: no extra task per waiting device
                    async with asyncio.timeout(remaining if trusted else min(remaining, self.feed.poll_seconds)):
                        await group.event.wait()
                except TimeoutError:
                    if loop.time() >= deadline:
                        return False, self._seq[hall_id]
            finally:
                group.count -= 1
                if group.count == 0 and waiting.get(since) is group:  # the last one gave up: nothing to keep
                    del waiting[since]
        return True, self._seq[hall_id]


class _Waiting:
    """The devices of one hall waiting from one cursor."""
    __slots__ = ("event", "count")

    def __init__(self) -> None:
        self.event, self.count = asyncio.Event(), 0
