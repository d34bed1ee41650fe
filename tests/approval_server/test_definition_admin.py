"""Workflow definitions as the admin edits them: a published version is counted per case (which cases follow
which version), a definition failing the engine's validator is refused with its problems and nothing is
stored, the audit row keeps the previous and the new body, and only an admin may see the counts.
SQLite and (marker pg) PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select

from server.store.models import AuditEntry
from shared.approval import commands as cmd
from tests.approval_server.support import SERVICE_ITEM, SERVICE_SITUATION, command, receive
from tests.fixtures.server import login

URL = f"/api/v1/approval/definitions/{SERVICE_ITEM}/{SERVICE_SITUATION}"


def test_cases_are_counted_per_version_and_keep_theirs(desks, client, database) -> None:  # noqa: ANN001
    admin = login(client)
    clerk = desks["clerk"]
    first, _ = receive(clerk)
    second, _ = receive(clerk)
    assert [(u["version"], u["cases"], u["open_cases"]) for u in
            client.get(f"{URL}/usage", headers=admin).json()] == [(1, 2, 2)]
    body = client.get(URL, headers=admin).json()["body"]
    longer = {**body, "steps": [{**s, "limit_days": s["limit_days"] + 1} if s["name"] != "intake" else s
                                for s in body["steps"]]}
    created = client.post(URL, json={"body": longer}, headers=admin)
    assert created.status_code == 201 and created.json()["version"] == 2
    third, _ = receive(clerk)
    r = clerk.send(command(cmd.RejectApplication, first, 1, "received", "2026-11-02", clerk, reason="材料不全", legal_basis="《行政许可法》第三十二条"))
    assert r["status"] == "accepted", r
    usage = client.get(f"{URL}/usage", headers=admin).json()
    assert [(u["version"], u["cases"], u["open_cases"]) for u in usage] == [(1, 2, 1), (2, 1, 1)]
    assert usage[1]["created_by"] == "admin"
    with database.session() as s:
        (entry,) = s.scalars(select(AuditEntry).where(AuditEntry.action == "approval.definition_publish")).all()
    assert entry.target == f"{SERVICE_ITEM}/{SERVICE_SITUATION}/v2"
    assert entry.detail["before"]["version"] == 1 and entry.detail["after"]["version"] == 2
    assert entry.detail["after"]["steps"][1]["limit_days"] == body["steps"][1]["limit_days"] + 1


def test_a_definition_failing_validation_is_refused_with_its_problems(desks, client) -> None:  # noqa: ANN001
    admin = login(client)
    body = client.get(URL, headers=admin).json()["body"]
    swapped = {**body, "promised_limit_days": body["statutory_limit_days"] + 1,
               "steps": [body["steps"][0], {**body["steps"][1], "return_to": ["nowhere"]}, *body["steps"][2:]]}
    refused = client.post(URL, json={"body": swapped}, headers=admin)
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["code"] == "invalid_definition"
    assert {p["code"] for p in error["details"]["problems"]} >= {"bad_limits", "bad_return",
                                                                    "return_target_missing"}
    malformed = client.post(URL, json={"body": {**body, "steps": [{"name": "x"}]}}, headers=admin)
    assert malformed.status_code == 422
    assert malformed.json()["error"]["details"]["problems"][0]["code"] == "malformed_definition"
    assert [u["version"] for u in client.get(f"{URL}/usage", headers=admin).json()] == [1]  # nothing stored


def test_only_an_admin_sees_the_counts(desks, client) -> None:  # noqa: ANN001
    for role in ("clerk", "approver", "supervisor"):
        r = client.get(f"{URL}/usage", headers=login(client, role))
        assert r.status_code == 403 and r.json()["error"]["code"] == "role_required"
    assert client.get(f"{URL}/usage").status_code == 401
    unknown = client.get("/api/v1/approval/definitions/NO-ITEM/NO-SIT/usage", headers=login(client))
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "unknown_definition"
