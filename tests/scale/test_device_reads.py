"""The events long-poll and the pull as the devices see them, answered ahead of FastAPI
(server/sync/device_reads.py): the same validation, errors and answers as every other endpoint."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, select

from server.main import create_app
from server.sync.device_tokens import revoke
from server.sync.devices import register_device
from server.sync.events import spread
from shared.db.models import Hall

URL = "/api/v1/sync/events"
PULL = "/api/v1/sync/pull"


@pytest.fixture
def client_and_token(sqlite_database, settings, clock) -> Iterator[tuple[TestClient, str]]:  # noqa: ANN001
    with sqlite_database.session() as s:
        hall = s.scalars(select(Hall.id)).first()
        _, token = register_device(s, kind="display", name="display", hall_id=hall)
    with TestClient(create_app(settings, database=sqlite_database, clock=clock)) as client:
        yield client, token


def test_a_bad_query_is_refused_with_the_field_named(client_and_token) -> None:  # noqa: ANN001
    client, token = client_and_token
    auth = {"Authorization": f"Bearer {token}"}
    for params, field in (({"since": -1}, "query.since"), ({"since": "abc"}, "query.since"),
                          ({"timeout": 61}, "query.timeout"), ({"timeout": "soon"}, "query.timeout")):
        r = client.get(URL, params=params, headers=auth)
        assert r.status_code == 422, (params, r.text)
        error = r.json()["error"]
        assert error["code"] == "invalid_request" and [d["field"] for d in error["details"]] == [field]
        assert r.headers["cache-control"] == "no-store"


def test_a_bad_pull_query_is_refused_with_the_field_named(client_and_token) -> None:  # noqa: ANN001
    client, token = client_and_token
    auth = {"Authorization": f"Bearer {token}"}
    for params, code, field in (({"limit": 0}, "invalid_request", "query.limit"),
                                ({"limit": 5001}, "invalid_request", "query.limit"),
                                ({"limit": "many"}, "invalid_request", "query.limit"),
                                ({"cursors": "hall:1@x"}, "invalid_cursor", None),
                                ({"cursors": "hall:1\x00@1"}, "control_character", None)):
        r = client.get(PULL, params=params, headers=auth)
        assert r.status_code == 422, (params, r.text)
        error = r.json()["error"]
        assert error["code"] == code, (params, error)
        assert field is None or [d["field"] for d in error["details"]] == [field]
        assert r.headers["cache-control"] == "no-store"


def test_the_app_wide_parameter_rule_holds_ahead_of_fastapi(client_and_token) -> None:  # noqa: ANN001
    """A NUL in any query parameter is refused as on every other endpoint (server/api/limits.py), the long-poll's
    and the pull's included, before the device is even looked up."""
    client, _ = client_and_token
    for url in (URL, PULL, "/api/v1/catalogue/items"):
        r = client.get(url, params={"q": "a\x00b"})
        assert (r.status_code, r.json()["error"]["code"]) == (422, "control_character"), url


@pytest.mark.parametrize("url", [URL, PULL])
def test_devices_without_a_valid_token_are_refused(client_and_token, url) -> None:  # noqa: ANN001
    client, _ = client_and_token
    assert client.get(url).json()["error"]["code"] == "device_token_required"
    r = client.get(url, headers={"Authorization": "Bearer not-a-token"})
    assert r.status_code == 401 and r.json()["error"]["code"] == "device_token_invalid"
    assert r.headers["x-frame-options"] == "DENY"


def test_a_quiet_hall_answers_unchanged_at_the_timeout(client_and_token) -> None:  # noqa: ANN001
    client, token = client_and_token
    auth = {"Authorization": f"Bearer {token}"}
    seq = client.get(URL, params={"timeout": 0}, headers=auth).json()["seq"]
    r = client.get(URL, params={"since": seq, "timeout": 0.1}, headers=auth)
    assert r.status_code == 200 and r.json() == {"changed": False, "seq": seq}
    assert client.get(URL, params={"since": max(seq - 1, 0)}, headers=auth).json()["changed"] is (seq > 0)


@pytest.mark.parametrize("url", [URL, PULL])
def test_errors_are_answered_by_the_apps_handlers(client_and_token, monkeypatch, url) -> None:  # noqa: ANN001
    """The reads skip the middleware stack, not the error mapping: a busy database is a 503 the device
    retries, anything unexpected the 500 envelope, both with the security headers."""
    from sqlalchemy.exc import OperationalError

    from server.sync import devices

    client, token = client_and_token
    auth = {"Authorization": f"Bearer {token}"}

    def locked(*_: object, **__: object) -> None:
        raise OperationalError("SELECT 1", {}, Exception("database is locked"))

    monkeypatch.setattr(devices, "authenticate", locked)  # the device check of the reads that arrived together
    r = client.get(url, params={"timeout": 0}, headers=auth)
    assert r.status_code == 503 and r.json()["error"]["code"] == "busy_retry"
    assert r.headers["retry-after"] == "1" and r.headers["cache-control"] == "no-store"

    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(devices, "authenticate", broken)
    r = client.get(url, params={"timeout": 0}, headers=auth)
    assert r.status_code == 500 and r.json()["error"]["code"] == "internal_error"
    assert r.headers["x-frame-options"] == "DENY"


def test_a_round_of_polls_is_checked_in_a_few_batches_each_on_its_own_token(sqlite_database, settings,
                                                                            clock) -> None:  # noqa: ANN001
    """Displays that started together poll again together (after a restart, then at each timeout): their device
    checks share thread-pool calls and reads of the cache versions, and each is still its own — a revoked display
    among them is refused alone; the new process learns the hall's cursor once, not once per display."""
    with sqlite_database.session() as s:
        hall = s.scalars(select(Hall.id)).first()
        displays = [register_device(s, kind="display", name=f"display {i}", hall_id=hall) for i in range(40)]
        revoke(s, displays[-1][0].id, clock())
    app = create_app(settings, database=sqlite_database, clock=clock)
    seen: list[str] = []
    event.listen(sqlite_database.engine, "before_cursor_execute", lambda conn, cursor, sql, *rest: seen.append(sql))

    async def round_of_polls() -> list[httpx.Response]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hall") as http:
            return await asyncio.gather(*(http.get(URL, params={"timeout": 0}, headers={"Authorization": f"Bearer {t}"})
                                          for _, t in displays))
    answers = asyncio.run(round_of_polls())
    assert [a.status_code for a in answers[:-1]] == [200] * 39
    assert (answers[-1].status_code, answers[-1].json()["error"]["code"]) == (401, "device_revoked")
    checks, cursors = app.state.device_checks.calls, app.state.hall_cursors.calls
    versions_read = sum("FROM cache_version" in sql for sql in seen)
    cursors_read = sum("FROM sync_counter" in sql for sql in seen)
    assert (checks, cursors) <= (3, 3) and (versions_read, cursors_read) == (checks, cursors), seen


def test_polls_woken_together_do_not_time_out_together(sqlite_database, settings, clock) -> None:  # noqa: ANN001
    """A change wakes all of a hall's devices at once and they poll again together: each poll ends quietly at a
    random point of its timeout's last fifth (server/sync/events.py `spread`), so their next round is spread
    out instead of thousands of polls answered and renewed in one instant."""
    with sqlite_database.session() as s:
        hall = s.scalars(select(Hall.id)).first()
        displays = [register_device(s, kind="display", name=f"display {i}", hall_id=hall) for i in range(30)]
    app = create_app(settings, database=sqlite_database, clock=clock)

    def auth(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    async def round_of_polls() -> list[tuple[float, httpx.Response]]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hall") as http:
            seq = (await http.get(URL, params={"timeout": 0}, headers=auth(displays[0][1]))).json()["seq"]

            async def poll(token: str) -> tuple[float, httpx.Response]:
                start = time.perf_counter()
                r = await http.get(URL, params={"since": seq, "timeout": 2}, headers=auth(token))
                return time.perf_counter() - start, r
            return await asyncio.gather(*(poll(t) for _, t in displays))
    answers = asyncio.run(round_of_polls())
    assert all(r.status_code == 200 and r.json()["changed"] is False for _, r in answers)
    waited = sorted(w for w, _ in answers)
    assert waited[0] >= 1.6 - 0.01 and waited[-1] < 2 + 1.5, waited  # never before the last fifth
    assert waited[-1] - waited[0] > 0.15, waited  # 30 draws from 0.4 s: all within 0.15 s: under 1e-10


def test_a_poll_waits_within_the_last_fifth_of_its_timeout() -> None:
    draws = [spread(25, random.Random(seed)) for seed in range(200)]
    assert 20 <= min(draws) < 20.5 and 24.5 < max(draws) <= 25
    assert spread(0) == 0
