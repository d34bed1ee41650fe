"""Staff lists and searches only read: they run on a reading unit of work, so on SQLite they do not queue for the
one writer (a crowd of signed-in staff stalled behind each other and behind pushes: bench.load --staff, issue
19). Their use of the token still counts, recorded to the minute in a short write of its own."""

from __future__ import annotations

import threading
import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from server.main import create_app
from tests.fixtures.server import login

READS = [("GET", "/api/v1/worklists/todo", None), ("GET", "/api/v1/worklists/overdue", None),
         ("POST", "/api/v1/cases/search", {"name": "张", "limit": 5}), ("GET", "/api/v1/catalogue/items?q=许可", None)]


@pytest.fixture
def hall(sqlite_database, settings, clock, monkeypatch):  # noqa: ANN001, ANN201
    monkeypatch.setenv("GOVHALL_PII_KEYS", f"t1:{'3a' * 16}")  # case search by name needs the index key
    monkeypatch.setenv("GOVHALL_PII_INDEX_KEY", "5c" * 32)
    with TestClient(create_app(settings, database=sqlite_database, clock=clock), raise_server_exceptions=False) as c:
        yield c, sqlite_database


def _ask(client: TestClient, method: str, path: str, body: dict | None, headers: dict) -> int:
    return client.request(method, path, json=body, headers=headers).status_code


def test_lists_and_searches_answer_while_a_writer_holds_the_database(hall) -> None:  # noqa: ANN001
    client, db = hall
    approver = login(client, "approver")
    assert [_ask(client, m, p, b, approver) for m, p, b in READS] == [200] * len(READS)  # the use is recorded
    holding, done = threading.Event(), threading.Event()

    def writer() -> None:  # a long write transaction (on SQLite: the write lock) in another thread
        with db.session() as s:
            s.execute(text("UPDATE hall SET name = name"))
            holding.set()
            done.wait(30)

    other = threading.Thread(target=writer)
    other.start()
    try:
        assert holding.wait(10)
        start = time.monotonic()
        answers = [_ask(client, m, p, b, approver) for m, p, b in READS]
        took = time.monotonic() - start
    finally:
        done.set()
        other.join(30)
    assert answers == [200] * len(READS)
    assert took < 5.0, took  # not queued behind the writer (the lock's wait is the busy timeout, far longer)


def test_reading_lists_keeps_a_session_alive_and_idleness_still_ends_it(hall, clock) -> None:  # noqa: ANN001
    client, _ = hall
    clerk = login(client, "clerk")
    for _ in range(3):  # only lists read, every 25 minutes: alive for 75 (the idle limit is 30)
        clock.advance(minutes=25)
        assert client.get("/api/v1/worklists/todo", headers=clerk).status_code == 200
    clock.advance(minutes=31)
    r = client.get("/api/v1/worklists/todo", headers=clerk)
    assert (r.status_code, r.json()["error"]["code"]) == (401, "token_idle_expired")
