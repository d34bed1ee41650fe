"""A workstation's notice signing key is registered when the device registers (issue 15): provisioning makes
it, registers it and writes it into the workstation's file, which the client signs with; a registration may
name a key the workstation made itself. A 送达 signed with any other key is refused. A device registered with
no key (before this) still has its key bound at its first 送达."""

from __future__ import annotations

import tomllib

import pytest

from server.approval.models import NoticeSigningKey
from server.approval.signing_keys import key_id
from shared.approval import commands as cmd
from shared.crypto.sm2 import Signer
from tests.approval_server.support import (LICENCE_ITEM, LICENCE_SITUATION, PASSWORD, PERSON_ID, Desk, command,
                                           receive)

URL = "https://govhall.example:8443"


def _granted(desks) -> tuple[str, int, str]:  # noqa: ANN001 - (case id, next version, status)
    clerk = desks["clerk"]
    case_id, r = receive(clerk, item=LICENCE_ITEM, situation=LICENCE_SITUATION, kind="person",
                         applicant_id=PERSON_ID, name="张三")
    assert r["status"] == "accepted", r
    steps = [("clerk", cmd.Accept, {}), ("reviewer", cmd.PassStep, {"step": "review"}),
             ("verifier", cmd.PassStep, {"step": "verify"}), ("head", cmd.Grant, {"step": "decide"})]
    status = "received"
    for version, (user, kind, fields) in enumerate(steps, start=1):
        r = desks[user].send(command(kind, case_id, version, status, "2026-11-05", desks[user], opinion="同意",
                                     **fields))
        assert r["status"] == "accepted", (user, r)
        status = r["result"]["status"]
    return case_id, len(steps) + 1, status


def _serve(desk: Desk, http, case_id: str, version: int, status: str, signer: Signer) -> dict:  # noqa: ANN001
    staff = http.post("/api/v1/auth/login", json={"username": "clerk", "password": PASSWORD}).json()
    pdf = http.get(f"/api/v1/cases/{case_id}/notices/grant",
                   headers={"Authorization": f"Bearer {staff['token']}"}).content
    sig = signer.sign(pdf)
    return desk.send(command(cmd.ServeNotice, case_id, version, status, "2026-11-05", desk, notice="grant",
                             method="direct", recipient="张三", digest=sig.digest, signature=sig.signature,
                             signer_key=sig.public_key))


def _desk_with_key(client, admin, hall_id: int, user: str, key: str) -> Desk:  # noqa: ANN001
    r = client.post("/api/v1/sync/devices", headers=admin,
                    json={"kind": "workstation", "name": f"desk {user}", "hall_id": hall_id, "signing_key": key})
    assert r.status_code == 201, r.text
    device = r.json()
    login = client.post("/api/v1/auth/login", json={"username": user, "password": PASSWORD,
                                                     "device_id": device["device_id"]})
    assert login.status_code == 200, login.text
    return Desk(client, device["device_id"], device["token"], login.json()["token"], user)


def test_a_key_registered_with_the_device_signs_its_service_and_no_other_key_does(  # noqa: ANN001
        desks, client, admin, hall_id, database) -> None:
    own = Signer.generate()
    desk = _desk_with_key(client, admin, hall_id, "clerk", own.public_key)
    with database.session() as s:
        row = s.get(NoticeSigningKey, key_id(own.public_key))
        assert row.device_id == desk.device_id and row.registered_at is not None and row.first_used_at is None
    case_id, version, status = _granted(desks)
    # another key, never registered: refused (before, the device's first 送达 would have bound it)
    refused = _serve(desk, client, case_id, version, status, Signer.generate())
    assert refused["status"] == "rejected" and refused["code"] == "signing_key_not_registered", refused
    served = _serve(desk, client, case_id, version, status, own)
    assert served["status"] == "accepted", served
    with database.session() as s:
        assert s.get(NoticeSigningKey, key_id(own.public_key)).first_used_at is not None


def test_a_registration_naming_another_devices_key_or_not_a_key_is_refused(desks, client, admin,  # noqa: ANN001
                                                                           hall_id) -> None:
    own = Signer.generate()
    _desk_with_key(client, admin, hall_id, "clerk", own.public_key)
    again = client.post("/api/v1/sync/devices", headers=admin, json={
        "kind": "workstation", "name": "copy", "hall_id": hall_id, "signing_key": own.public_key})
    assert again.status_code == 409 and again.json()["error"]["code"] == "signing_key_of_another_device"
    for body in ({"kind": "workstation", "signing_key": "ab" * 40},  # hex, but no SM2 key
                 {"kind": "dispenser", "signing_key": Signer.generate().public_key}):  # dispensers sign nothing
        r = client.post("/api/v1/sync/devices", headers=admin, json={"name": "x", "hall_id": hall_id, **body})
        assert r.status_code == 422 and r.json()["error"]["code"] == "signing_key_invalid", r.text


def test_an_old_device_without_a_registered_key_binds_it_at_its_first_service(desks, client, database) -> None:  # noqa: ANN001
    case_id, version, status = _granted(desks)
    key = Signer.generate()
    served = _serve(desks["clerk"], client, case_id, version, status, key)
    assert served["status"] == "accepted", served
    with database.session() as s:
        row = s.get(NoticeSigningKey, key_id(key.public_key))
        assert row.device_id == desks["clerk"].device_id and row.registered_at is None
        assert row.first_used_at is not None


def test_provisioning_writes_a_registered_key_the_workstation_signs_with(client, admin, database,  # noqa: ANN001
                                                                        tmp_path) -> None:
    from client.services.decision_notices import CaseNotices
    from client.services.workstation import FILE_NAME, load_workstation
    r = client.post("/api/v1/sync/provision", headers=admin,
                    json={"kind": "approver", "hall": "DG-HALL-1", "server": URL})
    assert r.status_code == 201, r.text
    body = r.json()
    section = tomllib.loads(body["config"])["workstation"]
    (tmp_path / FILE_NAME).write_text(body["config"], encoding="utf-8")
    ws = load_workstation(tmp_path)
    assert ws.signing_key is not None and ws.signing_key.hex() == section["signing_key"]
    signer = CaseNotices(None, None, tmp_path, ws.signing_key).signer  # what the client signs notices with
    with database.session() as s:
        row = s.get(NoticeSigningKey, key_id(signer.public_key))
        assert row is not None and row.device_id == body["device_id"] and row.public_key == signer.public_key
        assert row.registered_at is not None and row.first_used_at is None
    assert not (tmp_path / "notice-signing.key").exists()  # not the made-on-first-use key of older configs
    # a dispenser's file has none
    r = client.post("/api/v1/sync/provision", headers=admin, json={"kind": "dispenser", "hall": "DG-HALL-1",
                                                                  "server": URL})
    assert "signing_key" not in tomllib.loads(r.json()["config"])["kiosk"]


def test_a_damaged_signing_key_in_the_file_is_a_clear_error(tmp_path) -> None:  # noqa: ANN001
    from client.services.workstation import FILE_NAME, load_workstation
    (tmp_path / FILE_NAME).write_text('[workstation]\nsigning_key = "00ff"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="signing_key"):
        load_workstation(tmp_path)

