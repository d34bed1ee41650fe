"""REST reads: search, masking by role, worklists, statistics; definitions admin; registers and 信息比对."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text

from server.approval.models import RegistryPerson
from shared.approval import commands as cmd
from tests.approval_server.support import (
    PERSON_ID, SERVICE_ITEM, SERVICE_SITUATION, command, receive,
)
from tests.fixtures.server import login


def _as(client, user: str) -> dict:  # noqa: ANN001
    return login(client, user)


def test_search_and_masking_by_role(desks, client) -> None:  # noqa: ANN001
    clerk = desks["clerk"]
    case_id, r = receive(clerk, kind="person", applicant_id=PERSON_ID.lower(), name="张三",
                         applicant_phone="13812345678")
    number = r["result"]["case_number"]
    receive(clerk, name="另一家公司")
    headers = _as(client, "clerk")
    def found(**params: str) -> list[str]:
        return [c["id"] for c in client.get("/api/v1/cases", params=params, headers=headers).json()]

    def found_by_body(**body: str) -> list[str]:
        r = client.post("/api/v1/cases/search", json=body, headers=headers)
        assert r.status_code == 200, r.text
        return [c["id"] for c in r.json()]
    # Names are sealed: a whole name is found (whitespace ignored), a part of it no longer is.
    assert found(number=number) == found_by_body(name="张三") == found_by_body(name=" 张 三") == \
        found_by_body(id_number=PERSON_ID) == [case_id]
    assert found_by_body(name="张") == []
    assert len(client.get("/api/v1/cases", params={"status": "received"}, headers=headers).json()) == 2
    assert client.get("/api/v1/cases", params={"received_from": "2026-11-03"}, headers=headers).json() == []
    assert client.get("/api/v1/cases", params={"status": "nope"}, headers=headers).status_code == 422
    for personal in ({"id_number": PERSON_ID}, {"name": "张三"}):  # no personal data in URLs (access logs)
        refused = client.get("/api/v1/cases", params=personal, headers=headers)
        assert (refused.status_code, refused.json()["error"]["code"]) == (400, "personal_data_in_url")
    masked = client.get(f"/api/v1/cases/{case_id}", headers=headers).json()
    assert masked["applicant_id"] == "110105********002X" and masked["applicant_phone"] == "138****5678"
    assert masked["identity_revealed"] is False and "accept" in masked["actions"]
    full = client.get(f"/api/v1/cases/{case_id}", headers=_as(client, "supervisor")).json()
    assert full["applicant_id"] == PERSON_ID and full["applicant_phone"] == "13812345678"
    admin = client.get(f"/api/v1/cases/{case_id}", headers=_as(client, "admin")).json()
    assert admin["identity_revealed"] is False
    assert client.get("/api/v1/cases/nope", headers=headers).status_code == 404


def test_worklists_and_statistics_add_up(desks, client, clock) -> None:  # noqa: ANN001
    clerk, approver = desks["clerk"], desks["approver"]
    ids = [receive(clerk)[0] for _ in range(3)]
    for case_id in ids:
        accepted = clerk.send(command(cmd.Accept, case_id, 1, "received", "2026-11-02", clerk))
        assert accepted["status"] == "accepted"
    r = approver.send(command(cmd.Grant, ids[0], 2, "in_review", "2026-11-03", approver, step="decide",
                              opinion="同意"))
    assert r["status"] == "accepted", r
    closed = clerk.send(command(cmd.Close, ids[0], 3, "decided_granted", "2026-11-04", clerk))
    assert closed["status"] == "accepted"
    todo = client.get("/api/v1/worklists/todo", headers=_as(client, "approver")).json()
    assert sorted(w["case"]["id"] for w in todo) == sorted(ids[1:])
    assert all("grant" in w["actions"] for w in todo)
    # 待办 is the current step's role, not "some action available": a head may terminate any case.
    assert client.get("/api/v1/worklists/todo", headers=_as(client, "head")).json() == []
    at_counter = client.get("/api/v1/worklists/todo", headers=_as(client, "clerk")).json()
    assert [w["case"]["id"] for w in at_counter] == [ids[0]] and at_counter[0]["actions"] == ["deliver"]
    clock.now = dt.datetime(2026, 12, 20, 2, 0, tzinfo=dt.timezone.utc)  # long after the 10-day limit
    overdue = client.get("/api/v1/worklists/overdue", headers=_as(client, "supervisor")).json()
    assert {e["case_id"] for g in overdue for e in g["entries"]} == set(ids[1:])
    assert {(g["department"], g["step"]) for g in overdue} == {("DG-TEST", "decide")}
    stats = client.get("/api/v1/statistics/cases", params={"by": "month,town"},
                       headers=_as(client, "supervisor"))
    body = stats.json()
    assert body["total"]["received"] == 3 and body["total"]["closed"] == 1 and body["total"]["granted"] == 1
    assert body["total"]["in_progress"] == 2 and body["total"]["overdue"] == 2
    assert body["total"]["average_cycle_days"] == 2  # accepted 11-02 (Mon), closed 11-04 (Wed)
    assert sum(r["received"] for r in body["rows"]) == 3
    by_status = client.get("/api/v1/statistics/cases", params={"by": "status"},
                           headers=_as(client, "supervisor")).json()
    assert sum(r["received"] for r in by_status["rows"]) == 3 and sum(r["closed"] for r in by_status["rows"]) == 1
    assert client.get("/api/v1/statistics/cases", params={"by": "colour"},
                      headers=_as(client, "supervisor")).status_code == 422


def test_definitions_versions_and_pinning(desks, client) -> None:  # noqa: ANN001
    admin = _as(client, "admin")
    listed = client.get("/api/v1/approval/definitions", headers=admin).json()
    assert len(listed) == 64 and {d["version"] for d in listed} == {1}
    clerk = desks["clerk"]
    old_case, _ = receive(clerk)
    url = f"/api/v1/approval/definitions/{SERVICE_ITEM}/{SERVICE_SITUATION}"
    body = client.get(url, headers=admin).json()["body"]
    bad = {**body, "steps": [s for s in body["steps"] if s["name"] != "intake"]}
    refused = client.post(url, json={"body": bad}, headers=admin)
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "invalid_definition"
    assert client.post(url, json={"body": body}, headers=_as(client, "clerk")).status_code == 403
    changed = {**body, "required_materials": ["申请表"]}
    created = client.post(url, json={"body": changed}, headers=admin)
    assert created.status_code == 201 and created.json()["version"] == 2
    new_case, _ = receive(clerk, materials=("申请表",))
    r = clerk.send(command(cmd.Accept, new_case, 1, "received", "2026-11-02", clerk))
    assert r["status"] == "accepted"  # the new version asks for less
    r = clerk.send(command(cmd.Accept, old_case, 1, "received", "2026-11-02", clerk))
    assert r["status"] == "accepted"  # the old case stays on version 1, whose materials it has
    rows = client.get("/api/v1/cases", headers=admin).json()
    assert {r["id"]: r["definition_version"] for r in rows} == {old_case: 1, new_case: 2}


def test_register_import_is_all_or_nothing_and_feeds_comparison(desks, client) -> None:  # noqa: ANN001
    admin = {**_as(client, "admin"), "Content-Type": "text/csv"}
    bad = "uscc,name,legal_representative\n91350100M000100Y43,东莞测试有限公司,王五\n91350100M000100Y44,坏,李四\n"
    r = client.post("/api/v1/approval/registry/companies", content=bad.encode(), headers=admin)
    assert r.status_code == 422 and r.json()["error"]["details"]["errors"] == [
        {"line": 3, "code": "invalid_uscc", "reason": "bad_check_character"}]
    clerk = desks["clerk"]
    _, result = receive(clerk)
    assert result["result"]["mismatches"][0]["code"] == "not_in_register"  # nothing was half-imported
    good = bad.splitlines()[:2]
    r = client.post("/api/v1/approval/registry/companies", content="\n".join(good).encode(), headers=admin)
    assert r.json() == {"imported": 1, "errors": []}
    assert receive(clerk)[1]["result"]["mismatches"] == []
    wrong = receive(clerk, name="别的公司")[1]["result"]["mismatches"]
    assert wrong == [{"code": "name_mismatch", "register": "company", "registered_name": "东莞测试有限公司",
                      "given_name": "别的公司"}]
    persons = f"id_number,name\n{PERSON_ID.lower()},张三\n"
    r = client.post("/api/v1/approval/registry/persons", content=persons.encode(), headers=admin)
    assert r.json()["imported"] == 1
    assert receive(clerk, kind="person", applicant_id=PERSON_ID, name="张三")[1]["result"]["mismatches"] == []
    assert receive(clerk, kind="person", applicant_id=PERSON_ID, name="张四")[1]["result"]["mismatches"] == [
        {"code": "name_mismatch", "register": "person", "registered_name": "张*", "given_name": "张*"}]


def test_the_person_register_keeps_names_sealed(database, client) -> None:  # noqa: ANN001
    """Issue 18: a register of the population is personal data; its names rest sealed like its ID numbers."""
    admin = {**_as(client, "admin"), "Content-Type": "text/csv"}
    persons = f"id_number,name\n{PERSON_ID},欧阳娜娜\n"
    assert client.post("/api/v1/approval/registry/persons", content=persons.encode(),
                       headers=admin).json()["imported"] == 1
    with database.session() as s:
        row = s.execute(text("SELECT * FROM registry_person")).mappings().one()
        assert "欧阳娜娜" not in str(dict(row)) and PERSON_ID not in str(dict(row))
        assert s.get(RegistryPerson, row["id_key"]).name == "欧阳娜娜"
