"""Test support for the approval server: staff with the licence roles, workstations signed in as one staff
member each, and the wire form of approval commands (exactly what the desktop client sends)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from server.store.database import Database
from shared.approval import commands as cmd
from shared.approval.events import CHINA_TZ, Actor
from shared.approval.lifecycle import CaseStatus
from shared.approval.serialization import command_to_dict
from shared.db.models import Hall, StaffRole, StaffUser
from shared.passwords import hash_password
from shared.protocol import approval as wire
from shared.protocol.sync import PROTOCOL_VERSION

PASSWORD = "GovHall@2026"
# users the licence workflow needs besides the demo's clerk / approver / supervisor / admin
EXTRA_STAFF = {"reviewer": ("reviewer",), "verifier": ("verifier",), "head": ("head",),
               "officer": ("licence_officer",), "boss": ("head", "supervisor")}
TEST_KEYS = {"GOVHALL_PII_KEYS": "k1:00112233445566778899aabbccddeeff",
             "GOVHALL_PII_INDEX_KEY": "0123456789abcdef0123456789abcdef"}
PERSON_ID = "11010519491231002X"
COMPANY_ID = "91350100M000100Y43"
LICENCE_ITEM, LICENCE_SITUATION = "00785", "00785-S01"
SERVICE_ITEM, SERVICE_SITUATION = "DG-Q24", "DG-Q24-S01"
REQUIRED = ("申请表", "营业执照或统一社会信用代码证书")


def add_staff(db: Database, iterations: int = 1000) -> None:
    with db.session() as session:
        hall = session.scalars(select(Hall).where(Hall.code == "DG-HALL-1")).one()
        if session.scalars(select(StaffUser).where(StaffUser.username == "reviewer")).first():
            return
        for n, (name, roles) in enumerate(EXTRA_STAFF.items()):
            user = StaffUser(username=name, display_name=name, staff_no=f"T{n:04d}", hall_id=hall.id,
                             password_hash=hash_password(PASSWORD, iterations=iterations))
            session.add(user)
            session.flush()
            session.add_all(StaffRole(user_id=user.id, role=r) for r in roles)


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=CHINA_TZ)


def wire_command(c: cmd.Command) -> tuple[str, dict, dict]:
    d = command_to_dict(c)
    return wire.PREFIX + d["name"], d["args"], d["base"]


@dataclass
class Desk:
    """One workstation with one staff member signed in; pushes single commands over HTTP."""
    http: Any
    device_id: str
    token: str
    staff_token: str
    user: str
    seq: int = 0
    blocks: list[dict] = field(default_factory=list)

    @property
    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.token}", "X-Staff-Token": self.staff_token}

    def push(self, name: str, args: dict, base: dict | None) -> dict:
        self.seq += 1
        body = {"device": self.device_id, "protocol_version": PROTOCOL_VERSION, "commands": [{
            "seq": self.seq, "command_id": str(uuid.uuid4()), "name": name, "version": 1, "args": args,
            "base": base, "hlc": f"{self.seq:016d}"}]}
        response = self.http.post("/api/v1/sync/push", json=body, headers=self.headers)
        assert response.status_code == 200, response.text
        return response.json()["results"][0]

    def send(self, c: cmd.Command, **extra: Any) -> dict:
        name, args, base = wire_command(c)
        return self.push(name, {**args, **extra}, base)

    def lease(self, prefix: str, year: int, size: int = 20) -> dict:
        body = {"device": self.device_id, "protocol_version": PROTOCOL_VERSION, "asks": [{
            "request_id": str(uuid.uuid4()), "series": wire.CASE_SERIES, "prefix": prefix,
            "day": wire.series_day(year), "kind": "live", "size": size}]}
        response = self.http.post("/api/v1/sync/lease", json=body, headers=self.headers)
        assert response.status_code == 200, response.text
        block = response.json()["blocks"][0]
        self.blocks.append({**block, "next": block["first"]})
        return block

    def next_number(self, prefix: str = "DG", year: int = 2026) -> tuple[int, int, str]:
        block = next((b for b in self.blocks if b["next"] <= b["last"] and b["prefix"] == prefix), None)
        if block is None:
            self.lease(prefix, year)
            block = self.blocks[-1]
        number = block["next"]
        block["next"] += 1
        return number, block["block_id"], wire.case_display(prefix, year, number)


def open_desk(http: Any, admin_headers: dict, hall_id: int, user: str) -> Desk:
    response = http.post("/api/v1/sync/devices", headers=admin_headers,
                         json={"kind": "workstation", "name": f"desk {user}", "hall_id": hall_id})
    assert response.status_code == 201, response.text
    device = response.json()
    login = http.post("/api/v1/auth/login", json={"username": user, "password": PASSWORD,
                                                  "device_id": device["device_id"]})
    assert login.status_code == 200, login.text
    return Desk(http, device["device_id"], device["token"], login.json()["token"], user)


def receive(desk: Desk, *, item: str = SERVICE_ITEM, situation: str = SERVICE_SITUATION,
            day: str = "2026-11-02", materials: tuple[str, ...] = REQUIRED, applicant_id: str = COMPANY_ID,
            kind: str = "company", name: str = "东莞测试有限公司", **extra: Any) -> tuple[str, dict]:
    """A new case by the counter; returns (case id, result)."""
    case_id = str(uuid.uuid4())
    number, block_id, display = desk.next_number()
    c = cmd.Receive(command_id=str(uuid.uuid4()), case_id=case_id, base=cmd.Base.new_case(),
                    actor=Actor(desk.user, "clerk"), device=desk.device_id, at=at(day), item_code=item,
                    situation_code=situation, materials=materials, applicant_name=name, town="莞城街道",
                    department="DG-TEST")
    fields = {"case_number": display, "series_prefix": "DG", "number": number, "block_id": block_id,
              "applicant_kind": kind, "applicant_id": applicant_id, **extra}
    return case_id, desk.send(c, **fields)


def command(kind: type[cmd.Command], case_id: str, version: int, status: str | None, day: str,
            desk: Desk, **fields: Any) -> cmd.Command:
    return kind(command_id=str(uuid.uuid4()), case_id=case_id,
                base=cmd.Base(version, CaseStatus(status) if status else None), actor=Actor(desk.user, "any"),
                device=desk.device_id, at=at(day), **fields)


LICENCE_STEPS = [("reviewer", cmd.PassStep, {"step": "review"}), ("verifier", cmd.PassStep, {"step": "verify"}),
                 ("head", cmd.Grant, {"step": "decide"}), ("officer", cmd.MakeLicence, {"licence_no": "L-1"}),
                 ("officer", cmd.IssueLicence, {}), ("clerk", cmd.Close, {})]


def finish_licence_case(desks: dict[str, Desk], http: Any, name: str = "张三", day: str = "2026-11-05",
                        files: tuple[dict, ...] = ()) -> str:
    """A licence case accepted, passed, granted, its grant notice served (signed by the counter's own SM2 key),
    its licence made and issued, and closed (办结); returns the case id. `http` is the server's client; `files`:
    the scans its 收件 lists (material, file_name, sha256, size)."""
    from shared.crypto.sm2 import Signer
    clerk = desks["clerk"]
    case_id, r = receive(clerk, item=LICENCE_ITEM, situation=LICENCE_SITUATION, kind="person",
                         applicant_id=PERSON_ID, name=name, **({"files": list(files)} if files else {}))
    assert r["status"] == "accepted", r
    assert clerk.send(command(cmd.Accept, case_id, 1, "received", "2026-11-02", clerk))["status"] == "accepted"
    status, version = "in_review", 2
    for user, kind, fields in LICENCE_STEPS:
        if kind is cmd.Close:  # 送达 of the grant notice before 办结
            staff = http.post("/api/v1/auth/login", json={"username": "clerk", "password": PASSWORD}).json()
            pdf = http.get(f"/api/v1/cases/{case_id}/notices/grant",
                           headers={"Authorization": f"Bearer {staff['token']}"}).content
            sig = Signer.generate().sign(pdf)
            served = clerk.send(command(cmd.ServeNotice, case_id, version, status, day, clerk, notice="grant",
                                        method="direct", recipient=name, digest=sig.digest,
                                        signature=sig.signature, signer_key=sig.public_key))
            assert served["status"] == "accepted", served
            version += 1
        r = desks[user].send(command(kind, case_id, version, status, day, desks[user], opinion="同意", **fields))
        assert r["status"] == "accepted", (user, r)
        status, version = r["result"]["status"], version + 1
    assert status == "closed"
    return case_id
