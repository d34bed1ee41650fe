"""Asks that arrive together answered by one call. A hall's displays, evaluators and dispensers long-poll the
events endpoint, and thousands of them poll again at the same moment (after a restart, and then at every
timeout round, since they started together). Each poll's device check was a thread-pool call of its own, with
its own unit of work and read of the cache versions: in a round of 2,000 a poll cost the server about twice as
much CPU as a poll alone, and the staff's requests waited behind the round for seconds (issue 19).

Here the asks waiting at one moment go to `run` together, in arrival order: the first ask to find no batch
running starts one; asks arriving while it runs wait for the next, which starts as soon as it ends. An ask is
still answered from a call that began after it arrived, so it sees everything committed before it came."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Batched(Generic[K, V]):
    """`await ask(key)` is `run([key, ...])`'s answer for it: a value, or an exception raised to that ask alone.
    `run` answers each batch in order, one item per key (an exception instance is raised to its ask); if `run`
    itself raises, every ask of the batch gets that error."""

    def __init__(self, run: Callable[[list[K]], Awaitable[list[V | BaseException]]], *, limit: int = 500) -> None:
        self._run, self._limit = run, limit
        self._waiting: list[tuple[K, asyncio.Future]] = []
        self._draining: asyncio.Task | None = None  # held here: a task nobody holds may be collected mid-run
        self._loop: asyncio.AbstractEventLoop | None = None
        self.calls = 0  # batches run, for tests and benchmarks

    async def ask(self, key: K) -> V:
        loop = asyncio.get_running_loop()
        if self._loop is not loop:  # a new loop (a test client starts one): what an old one left is nobody's
            self._loop, self._waiting, self._draining = loop, [], None
        future = loop.create_future()
        self._waiting.append((key, future))
        if self._draining is None:
            self._draining = loop.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        batch: list[tuple[K, asyncio.Future]] = []
        try:
            while self._waiting:
                batch, self._waiting = self._waiting[:self._limit], self._waiting[self._limit:]
                batch = [(key, future) for key, future in batch if not future.done()]  # a poller gone meanwhile
                if batch:
                    await self._answer(batch)
        except asyncio.CancelledError:  # the loop is shutting down: nothing will answer them now
            for _, future in [*batch, *self._waiting]:
                future.cancel()
            self._waiting = []
            raise
        finally:
            if self._draining is asyncio.current_task():  # not a drain a newer loop has started meanwhile
                self._draining = None

    async def _answer(self, batch: list[tuple[K, asyncio.Future]]) -> None:
        self.calls += 1
        try:
            answers = await self._run([key for key, _ in batch])
        except Exception as exc:  # noqa: BLE001 - the batch's failure is each of its asks' failure
            answers = [exc] * len(batch)
        for (_, future), answer in zip(batch, answers, strict=True):
            if future.done():
                continue
            if isinstance(answer, BaseException):
                future.set_exception(answer)
            else:
                future.set_result(answer)
