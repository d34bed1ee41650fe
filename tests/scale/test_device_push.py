"""The push answered ahead of FastAPI (server/sync/device_push.py): a well-formed push skips the middleware stack
and the router; every other request to the push's path goes down the stack, whose answers stay the refusals;
a push taken ahead is admitted, answered through the app's error handlers, and carries the security headers."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from server.main import create_app
from server.sync.device_reads import ServerApp
from server.sync.devices import register_device
from shared.db.models import Hall

PUSH = "/api/v1/sync/push"


def _body(device: str, seq: int = 1, **over: object) -> dict:
    command = {"seq": seq, "command_id": str(uuid.uuid4()), "name": "no.such_command", "version": 1, "args": {},
               "base": None, "hlc": f"{1_800_000_000_000 + seq:013d}-00000-{device[:8]}"}
    return {"device": device, "protocol_version": 1, "commands": [command], **over}


@pytest.fixture
def stacked(monkeypatch) -> list[str]:  # noqa: ANN001
    """The paths of the requests that went down the stack."""
    seen: list[str] = []
    original = ServerApp.stack

    async def stack(self, scope, receive, send) -> None:  # noqa: ANN001
        seen.append(scope["path"])
        await original(self, scope, receive, send)
    monkeypatch.setattr(ServerApp, "stack", stack)
    return seen


@pytest.fixture
def hall(sqlite_database, settings, clock, stacked) -> Iterator[tuple[TestClient, str, dict]]:  # noqa: ANN001
    with sqlite_database.session() as s:
        hall_id = s.scalars(select(Hall.id)).first()
        device, token = register_device(s, kind="dispenser", name="dispenser", hall_id=hall_id)
    with TestClient(create_app(settings, database=sqlite_database, clock=clock)) as client:
        yield client, device.id, {"Authorization": f"Bearer {token}"}


def test_a_well_formed_push_skips_the_stack_and_is_applied(hall, stacked) -> None:  # noqa: ANN001
    client, device, auth = hall
    body = _body(device)
    r = client.post(PUSH, json=body, headers=auth)
    assert r.status_code == 200, r.text
    answer = r.json()
    assert answer["last_seq"] == 1 and [x["seq"] for x in answer["results"]] == [1]
    assert answer["results"][0]["status"] == "rejected" and answer["results"][0]["code"] == "unknown_command"
    assert r.headers["x-frame-options"] == "DENY" and r.headers["content-type"] == "application/json"
    assert stacked == []
    again = client.post(PUSH, json=body, headers=auth)  # a replay: answered from the log
    assert again.json()["results"] == [{**answer["results"][0], "replayed": True}] and stacked == []
    reused = client.post(PUSH, json=_body(device), headers=auth)  # its seq for another command: a 409 (handlers)
    assert (reused.status_code, reused.json()["error"]["code"]) == (409, "seq_reused") and stacked == []


def test_a_refusal_inside_the_route_is_answered_by_the_apps_handlers(hall, stacked) -> None:  # noqa: ANN001
    client, device, auth = hall
    r = client.post(PUSH, json=_body(device), headers={"Authorization": "Bearer not-a-token"})
    assert (r.status_code, r.json()["error"]["code"]) == (401, "device_token_invalid")
    r = client.post(PUSH, json=_body(device, protocol_version=99), headers=auth)
    assert (r.status_code, r.json()["error"]["code"]) == (400, "protocol_unsupported")
    r = client.post(PUSH, json=_body("another-device"), headers=auth)
    assert r.status_code == 403, r.text
    assert r.headers["x-frame-options"] == "DENY" and stacked == []


def _requests(device: str, limit: int) -> list[tuple[str, dict, int, str]]:
    """(what, httpx request arguments, status, code) of pushes the stack must answer."""
    valid = json.dumps(_body(device)).encode()
    json_type = {"content-type": "application/json"}
    return [
        ("not JSON", {"content": b"{not json", "headers": json_type}, 400, "invalid_json"),
        ("a list", {"content": b"[]", "headers": json_type}, 422, "invalid_request"),
        ("no commands", {"json": {"device": device, "protocol_version": 1}}, 422, "invalid_request"),
        ("a NUL in a field", {"json": {**_body(device), "device": "a\x00b"}}, 422, "control_character"),
        ("a NUL in the query", {"content": valid, "headers": json_type, "params": {"q": "a\x00b"}}, 422,
         "control_character"),
        ("declared over the limit", {"content": b"x" * (limit + 1), "headers": json_type}, 413, "payload_too_large"),
        ("streamed over the limit", {"content": iter([b"[", b" " * limit, b"]"]), "headers": json_type}, 413,
         "payload_too_large"),
        ("too deep to parse", {"content": b"[" * 100_000 + b"]" * 100_000, "headers": json_type}, 422, "too_deep"),
        ("not UTF-8", {"content": b'{"device": "\xff"}', "headers": json_type}, 400, "invalid_json"),
    ]


@pytest.mark.parametrize("case", range(9))
def test_every_other_push_is_answered_by_the_stack(hall, stacked, settings, case) -> None:  # noqa: ANN001
    client, device, auth = hall
    what, request, status, code = _requests(device, settings.max_body_bytes)[case]
    request["headers"] = {**request.get("headers", {}), **auth}
    r = client.post(PUSH, **request)
    assert (r.status_code, r.json()["error"]["code"]) == (status, code), (what, r.text)
    assert r.headers["x-frame-options"] == "DENY"
    assert stacked == [PUSH], what
    assert client.post(PUSH, json=_body(device), headers=auth).status_code == 200  # nothing was half applied


def test_a_push_not_in_json_is_the_stacks_to_refuse(hall, stacked) -> None:  # noqa: ANN001
    client, device, auth = hall
    r = client.post(PUSH, content=json.dumps(_body(device)), headers={**auth, "content-type": "text/plain"})
    assert r.status_code == 422 and stacked == [PUSH], r.text
    # two content types: the stack reads the first
    r = client.post(PUSH, content=json.dumps(_body(device)),
                    headers=[*auth.items(), ("content-type", "text/plain"), ("content-type", "application/json")])
    assert r.status_code == 422 and stacked == [PUSH, PUSH], r.text


def test_a_push_waits_for_admission_and_is_refused_when_none_comes(sqlite_database, settings, clock,
                                                                   stacked) -> None:  # noqa: ANN001
    """Ahead of the stack, not ahead of the line: with every place taken the push waits, and is answered 503
    busy_retry (the device retries it) when none comes free in time; once one is free it is applied."""
    with sqlite_database.session() as s:
        device, token = register_device(s, kind="dispenser", name="d", hall_id=s.scalars(select(Hall.id)).first())
    app = create_app(settings.model_copy(update={"pool_timeout_s": 0.2}), database=sqlite_database, clock=clock)
    auth = {"Authorization": f"Bearer {token}"}

    async def run() -> tuple[httpx.Response, httpx.Response]:
        admission = app.state.admission
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hall") as http:
            lines = [await admission.enter() for _ in range(admission.limit)]
            refused = await http.post(PUSH, json=_body(device.id), headers=auth)
            for line in lines:
                admission.leave(line)
            return refused, await http.post(PUSH, json=_body(device.id), headers=auth)
    refused, applied = asyncio.run(run())
    assert (refused.status_code, refused.json()["error"]["code"]) == (503, "busy_retry")
    assert refused.headers["x-frame-options"] == "DENY"
    assert applied.status_code == 200 and applied.json()["last_seq"] == 1 and stacked == []
