"""Issue 18, least privilege: the commands each device kind may push, as the app registers them, pinned. A
new command registered without naming its kinds gets CommandSpec's default (workstation, dispenser and
evaluator) and fails here until this table says which kinds need it. Every kind is also refused, on the real
push route, a command it is not given."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient

from server.domain import registry_of
from server.main import DOMAINS
from shared.protocol.sync import DEVICE_KINDS
from tests.sync.support import demo_hall, new_device

# The kinds other than the workstation and what they push (the workstation pushes everything else).
KIOSKS = {
    "dispenser": {"fact.record", "number.issue", "queue.issue", "queue.print", "queue.cancel"},
    "evaluator": {"fact.record", "queue.rate", "rating.rate_case"},
    "display": {"fact.record"},
    "controller": {"fact.record"},
}
WORKSTATION_NEVER = {"queue.rate"}  # the citizen's own press on the evaluator
# Workstation-only commands a kiosk might be expected to send, pinned: the evaluator rates the case a window's
# clerk asked about (rating.rate_case) but never asks itself (rating.ask_case, the clerk's at the counter).
WORKSTATION_ONLY = {"rating.ask_case"}


def _allowed() -> dict[str, set[str]]:
    registry = registry_of(DOMAINS)
    out: dict[str, set[str]] = {kind: set() for kind in DEVICE_KINDS}
    for (name, _version), spec in registry.specs.items():
        for kind in spec.kinds:
            out.setdefault(kind, set()).add(name)
    return out


def test_each_device_kind_may_push_only_what_it_needs() -> None:
    allowed = _allowed()
    assert set(allowed) == set(DEVICE_KINDS), "a command names a device kind that does not exist"
    for kind, commands in KIOSKS.items():
        assert allowed[kind] == commands, (kind, sorted(allowed[kind] ^ commands))
    every = {name for (name, _version) in registry_of(DOMAINS).specs}
    assert allowed["workstation"] == every - WORKSTATION_NEVER
    assert WORKSTATION_ONLY <= every and not any(WORKSTATION_ONLY & allowed[kind] for kind in KIOSKS)


@pytest.mark.parametrize("kind", sorted(KIOSKS))
def test_a_command_outside_its_kind_is_refused_on_the_push_route(kind: str, app, database) -> None:  # noqa: ANN001
    hall, windows = demo_hall(database)
    device, token = new_device(database, kind, hall, windows[0] if kind == "evaluator" else None)
    name = "queue.call" if kind != "workstation" else "queue.rate"
    body = {"device": device, "protocol_version": 1, "commands": [
        {"seq": 1, "command_id": str(uuid.uuid4()), "name": name, "version": 1, "args": {}, "hlc": "1"}]}
    with TestClient(app, raise_server_exceptions=False) as http:
        r = http.post("/api/v1/sync/push", json=body, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200, r.text
    [result] = r.json()["results"]
    assert (result["status"], result["code"]) == ("rejected", "command_not_allowed"), result
