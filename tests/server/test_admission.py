"""Issue 19, a crowd of signed-in staff: more requests at once than the server has worker threads and pooled
connections must queue and be answered, not deadlock. Before admission (server/api/admission.py), each request
held a connection while it waited for a worker and the workers waited for connections: with 400 staff and
2,000 waiting devices every list timed out and the server sat idle."""

from __future__ import annotations

import asyncio
import shutil

import anyio.to_thread
import httpx
import pytest
from fastapi.testclient import TestClient

from server.api.admission import Admission
from server.main import create_app
from server.store.database import Database
from shared.db.engine import make_engine
from tests.fixtures.server import login

THREADS = 4  # a small thread pool and a small connection pool: the crowd below is many times both


@pytest.fixture
def small_pool(tmp_path, sqlite_template) -> Database:  # noqa: ANN001
    path = tmp_path / "server.sqlite3"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite:///{path}"
    db = Database(url, engine=make_engine(url, immediate=True, queue_writers=True, pool_size=2, max_overflow=4,
                                          pool_timeout=3))
    yield db
    db.dispose()


def test_a_crowd_of_staff_reading_lists_is_answered_not_deadlocked(small_pool, settings, clock) -> None:  # noqa: ANN001
    app = create_app(settings, database=small_pool, clock=clock)
    with TestClient(app, raise_server_exceptions=False) as client:
        headers = [login(client, user) for user in ("clerk", "approver", "admin")]
    clock.advance(minutes=5)  # every token's use is due: each list also writes it, on a second connection

    async def crowd() -> tuple[list[int], int]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = THREADS
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://hall") as http:
            answers = await asyncio.gather(*(http.get("/api/v1/worklists/todo", headers=headers[i % 3])
                                             for i in range(60)))
        return [a.status_code for a in answers], app.state.admission.limit
    assert asyncio.run(crowd()) == ([200] * 60, (6 - 2) // 2)  # 2 connections per request, 2 kept back


def test_the_limit_follows_the_threads_and_the_connections() -> None:
    async def limits() -> tuple[int, int, int]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = 40
        return Admission(50, 1).limit, Admission(200, 1).limit, Admission(None, 1).limit
    assert asyncio.run(limits()) == (24, 40, 40)


def test_a_request_not_admitted_in_time_is_answered_busy_and_the_place_is_not_lost() -> None:
    async def scenario() -> tuple[int, str, int]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = 1
        admission = Admission(None, 0.2)
        line = await admission.enter()  # the one place is taken
        try:
            await admission.enter()
        except Exception as exc:  # noqa: BLE001 - asserted below
            refused = exc
        admission.leave(line)
        admission.leave(await admission.enter())  # the place came back: admitted at once
        return refused.status, refused.code, line._value  # noqa: SLF001
    assert asyncio.run(scenario()) == (503, "busy_retry", 1)


def test_an_upload_stalled_mid_body_holds_no_place(small_pool, settings, clock) -> None:  # noqa: ANN001
    """A workstation whose network dropped halfway through an upload: the server waits for the rest of its body
    without holding one of the few places the others need."""
    app = create_app(settings, database=small_pool, clock=clock)

    async def scenario() -> list[int]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = THREADS
        stalled = asyncio.Event()

        async def never_finished():  # noqa: ANN202 - the body's first part, then nothing more
            yield b'{"username": "clerk", '
            await stalled.wait()
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://hall") as http:
            uploads = [asyncio.create_task(http.post("/api/v1/auth/login", content=never_finished(),
                                                     headers={"content-type": "application/json"}))
                       for _ in range(10)]  # five times the places
            await asyncio.sleep(0.2)
            answers = await asyncio.gather(*(http.get("/api/v1/catalogue/items", params={"q": "许可"})
                                             for _ in range(10)))
            stalled.set()
            await asyncio.gather(*uploads, return_exceptions=True)
        return [a.status_code for a in answers]
    assert asyncio.run(asyncio.wait_for(scenario(), 30)) == [200] * 10
