"""The event hub: devices wait for "your hall changed" without holding a thread. One asyncio.Event per hall,
replaced at every notification; sync handlers run in worker threads and notify through the loop."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable


class EventHub:
    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._seq: dict[int, int] = {}
        self._events: dict[int, asyncio.Event] = {}

    def notify(self, hall_id: int, seq: int) -> None:
        """Safe from any thread: called after a write transaction of the hall committed."""
        loop = self._loop
        if loop is None or loop.is_closed():
            self._seq[hall_id] = max(self._seq.get(hall_id, 0), seq)
            return
        loop.call_soon_threadsafe(self._advance, hall_id, seq)

    def _advance(self, hall_id: int, seq: int) -> None:
        if seq <= self._seq.get(hall_id, 0):
            return
        self._seq[hall_id] = seq
        event = self._events.pop(hall_id, None)
        if event is not None:
            event.set()

    def waiting(self) -> int:
        return len(self._events)

    async def wait(self, hall_id: int, since: int, timeout: float,
                   current: Callable[[], Awaitable[int]]) -> tuple[bool, int]:
        """Return (True, seq) as soon as the hall's cursor passes `since`, or (False, seq) after `timeout`."""
        self._loop = asyncio.get_running_loop()
        if hall_id not in self._seq:  # first waiter since start: learn the hall's cursor once
            self._advance(hall_id, await current())
            self._seq.setdefault(hall_id, 0)
        deadline = self._loop.time() + timeout
        while self._seq[hall_id] <= since:
            event = self._events.setdefault(hall_id, asyncio.Event())
            try:
                await asyncio.wait_for(event.wait(), max(0.0, deadline - self._loop.time()))
            except TimeoutError:
                return False, self._seq[hall_id]
        return True, self._seq[hall_id]
