"""A queue hall under test: the real app on a migrated demo database, devices registered with tokens, staff
logged in on workstations, leases taken through the real endpoint, and commands pushed through the real
/sync/push (one seq counter per device), rows read back through /sync/pull."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from dataclasses import dataclass, field

from fastapi.testclient import TestClient
from sqlalchemy import select

from server.store.database import Database
from server.sync.devices import register_device
from shared.db.models import Business, Hall, Window

LOCAL = dt.timezone(dt.timedelta(hours=8))
START = dt.datetime(2026, 11, 23, 9, 30, tzinfo=LOCAL)  # a Monday, hall-local
DAY = START.date()


@dataclass
class Dev:
    id: str
    token: str
    kind: str
    window_id: int | None = None
    staff: str | None = None
    seq: int = 0
    hlc: itertools.count = field(default_factory=lambda: itertools.count(1))

    @property
    def headers(self) -> dict[str, str]:
        h = {"Authorization": f"Bearer {self.token}"}
        if self.staff:
            h["X-Staff-Token"] = self.staff
        return h


class QueueHall:
    def __init__(self, db: Database, client: TestClient, clock) -> None:  # noqa: ANN001
        self.db, self.client, self.clock = db, client, clock
        with db.session() as s:
            self.hall_id = s.scalars(select(Hall.id).where(Hall.code == "DG-HALL-1")).one()
            self.business = {b.prefix: b.id for b in s.scalars(select(Business).where(Business.hall_id == self.hall_id))}
            self.window = {w.number: w.id for w in s.scalars(select(Window).where(Window.hall_id == self.hall_id))}
        self.blocks: dict[tuple[str, str], list[dict]] = {}
        self.next_number: dict[tuple[str, int], int] = {}

    # -- devices -----------------------------------------------------------------------------------------
    def device(self, kind: str, window_number: int | None = None, staff: str | None = "clerk") -> Dev:
        window_id = self.window[window_number] if window_number is not None else None
        with self.db.session() as s:
            device, token = register_device(s, kind=kind, name=f"{kind} {window_number}", hall_id=self.hall_id,
                                            window_id=window_id)
            dev = Dev(device.id, token, kind, window_id)
        if kind == "workstation" and staff:
            r = self.client.post("/api/v1/auth/login", json={"username": staff, "password": "GovHall@2026",
                                                              "device_id": dev.id})
            assert r.status_code == 200, r.text
            dev.staff = r.json()["token"]
        return dev

    def lease(self, dev: Dev, prefix: str, kind: str = "live", size: int = 10) -> dict:
        r = self.client.post("/api/v1/sync/lease", headers=dev.headers, json={
            "device": dev.id, "protocol_version": 1,
            "asks": [{"request_id": str(uuid.uuid4()), "series": "ticket", "prefix": prefix,
                      "day": DAY.isoformat(), "kind": kind, "size": size}]})
        assert r.status_code == 200, r.text
        block = r.json()["blocks"][0]
        self.next_number[(dev.id, block["block_id"])] = block["first"]
        self.blocks.setdefault((dev.id, prefix), []).append(block)
        return block

    # -- commands ----------------------------------------------------------------------------------------
    def command(self, dev: Dev, name: str, args: dict) -> dict:
        dev.seq += 1
        return {"seq": dev.seq, "command_id": str(uuid.uuid4()), "name": name, "version": 1, "args": args,
                "base": None, "hlc": f"{next(dev.hlc):013d}-00000-{dev.id[:8]}"}

    def push_many(self, dev: Dev, commands: list[dict]) -> list[dict]:
        r = self.client.post("/api/v1/sync/push", headers=dev.headers,
                             json={"device": dev.id, "protocol_version": 1, "commands": commands})
        assert r.status_code == 200, r.text
        return r.json()["results"]

    def push(self, dev: Dev, name: str, args: dict) -> dict:
        return self.push_many(dev, [self.command(dev, name, args)])[0]

    def at(self, minutes: float = 0) -> str:
        return (START + dt.timedelta(minutes=minutes)).isoformat()

    def issue_args(self, dev: Dev, prefix: str, *, minutes: float = 0, block: dict | None = None,
                   number: int | None | object = ..., **over) -> dict:
        if block is None:
            block = (self.blocks.get((dev.id, prefix)) or [self.lease(dev, prefix)])[-1]
        if number is ...:
            number = self.next_number[(dev.id, block["block_id"])]
            self.next_number[(dev.id, block["block_id"])] = number + 1
        moment = START + dt.timedelta(minutes=minutes)
        args = {"ticket_id": str(uuid.uuid4()), "business_id": self.business[prefix], "display": f"{prefix}{number:03d}" if number else "",
                "number": number, "block_id": block["block_id"], "day": DAY.isoformat(), "channel": "dispenser",
                "issued_at": {"physical_ms": int(moment.timestamp() * 1000), "logical": 0, "device_id": dev.id[:8],
                              "device_seq": dev.seq + 1},
                "at": moment.isoformat(), "printed": True}
        args.update(over)
        return args

    def issue(self, dev: Dev, prefix: str, **kw) -> tuple[str, dict]:
        args = self.issue_args(dev, prefix, **kw)
        return args["ticket_id"], self.push(dev, "queue.issue", args)

    def act(self, dev: Dev, name: str, ticket_id: str, minutes: float = 1, **extra) -> dict:
        args = {"ticket_id": ticket_id, "window_id": dev.window_id, "at": self.at(minutes), **extra}
        return self.push(dev, name, args)

    def call(self, dev: Dev, ticket_id: str, minutes: float = 1, mode: str = "next") -> dict:
        return self.act(dev, "queue.call", ticket_id, minutes, call_id=str(uuid.uuid4()), mode=mode)

    # -- reading back ------------------------------------------------------------------------------------
    def rows(self, dev: Dev, table: str) -> dict[str, dict]:
        r = self.client.get("/api/v1/sync/pull", headers=dev.headers, params={"limit": 5000})
        assert r.status_code == 200, r.text
        out: dict[str, dict] = {}
        for ch in r.json()["changes"]:
            if ch["table"] == table:
                out[ch["pk"]] = ch["row"]
        return out
