"""Admission: at most N requests work inside the application at once; the rest wait their turn in line, which
costs a coroutine each.

Why: a request's unit of work holds a pooled database connection across several thread-pool calls (its
dependencies, then its body). With more requests in flight than connections, every worker thread could be
waiting for a connection that some request holds while it waits for a worker; nothing moved until the pool's
timeout (seen with 400 staff and 2,000 waiting devices: the server idle, every list timing out after 30 s).
With N no larger than the thread pool, and 2N no larger than the connections (a reading request may record
its token's use on a second one, server/api/deps.py `get_reading_user`), an admitted request always gets its
worker and its connections. A long-poll and a pull are admitted only for their database calls, which go in
batches (server/api/sync.py), never for their wait (they come ahead of this middleware: server/sync/device_reads.py).
A well-formed push comes ahead of it too (server/sync/device_push.py) and enters the same line itself, once its
body has arrived.
A request not admitted within the pool's timeout is answered 503, as an exhausted pool was."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from starlette.types import ASGIApp, Receive, Scope, Send

from server.api import errors

RESERVED = 2  # connections kept for the scheduler's jobs, which run outside any request
PER_REQUEST = 2  # the request's unit of work, and the short write of a reading request's token use


class Admission:
    def __init__(self, connections: int | None, timeout_s: float) -> None:
        """`connections`: the most the database pool opens (None: no limit); `timeout_s`: the longest wait."""
        self.connections, self.timeout_s = connections, timeout_s
        self._line: asyncio.Semaphore | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def limit(self) -> int:
        threads = int(anyio.to_thread.current_default_thread_limiter().total_tokens)
        if self.connections is None:
            return threads
        return max(1, min(threads, (self.connections - RESERVED) // PER_REQUEST))

    async def enter(self) -> asyncio.Semaphore:
        """Wait for a place, and return the line to `leave`; ApiError 503 when none came free in time."""
        loop = asyncio.get_running_loop()
        if self._loop is not loop:  # made in the serving loop, on its first request (a test may start another)
            self._line, self._loop = asyncio.Semaphore(self.limit), loop
        line = self._line
        try:
            async with asyncio.timeout(self.timeout_s):
                await line.acquire()
        except TimeoutError:
            raise errors.ApiError(503, "busy_retry", "服务器繁忙，请稍后重试（server busy, retry with backoff）") from None
        return line

    @staticmethod
    def leave(line: asyncio.Semaphore) -> None:
        line.release()

    @asynccontextmanager
    async def admitted(self) -> AsyncIterator[None]:
        line = await self.enter()
        try:
            yield
        finally:
            self.leave(line)


class Admitting:
    """The ASGI middleware that admits every HTTP request through the app's `Admission`, once its body has
    arrived: an upload stalled on a dropped network must not hold a place (server/api/body_limit.py, outside,
    bounds it)."""

    def __init__(self, app: ASGIApp, admission: Admission) -> None:
        self.app, self.admission = app, admission

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        try:
            arrived = [await receive()]
            while arrived[-1]["type"] == "http.request" and arrived[-1].get("more_body", False):
                arrived.append(await receive())
        except errors.ApiError as exc:  # a body over the limit (BodyLimit), refused as it streamed in
            return await errors.envelope(exc.status, exc.code, exc.message)(scope, receive, send)

        async def replay() -> dict:
            return arrived.pop(0) if arrived else await receive()
        try:
            line = await self.admission.enter()
        except errors.ApiError as exc:
            return await errors.envelope(exc.status, exc.code, exc.message)(scope, replay, send)
        try:
            await self.app(scope, replay, send)
        finally:
            self.admission.leave(line)
