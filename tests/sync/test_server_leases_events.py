"""Leases (live from the bottom, reserve from the top, returned tails granted again, idempotent asks,
exhaustion reported per ask), staff roles on workstations, device registration and the events long-poll."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid

import pytest
from fastapi.testclient import TestClient

from server.core.settings import Settings
from server.main import create_app
from server.main import default_registry
from server.sync.commands import Args
from server.sync.registry import CommandSpec
from tests.sync.support import FakeClock, demo_hall, new_device
from tests.sync.test_server_api import auth, fact, push

DAY = "2026-11-23"


class NoteArgs(Args):
    text: str


@pytest.fixture
def env(server_db, tmp_path):  # noqa: ANN001
    registry = default_registry()
    # A role-gated command, as the approval package will register them.
    registry.register(CommandSpec("test.approve", 1, NoteArgs, lambda s, ctx, a, b: {"by": ctx.device.user},
                                  kinds={"workstation"}, roles={"approver"}))
    app = create_app(Settings(migrate_on_start=False, data_dir=tmp_path), database=server_db, clock=FakeClock(), sync_registry=registry)
    hall_id, windows = demo_hall(server_db)
    with TestClient(app) as client:
        yield {"db": server_db, "client": client, "hall": hall_id, "windows": windows, "app": app}


def ask(kind: str, size: int, request_id: str | None = None, prefix: str = "A") -> dict:
    return {"request_id": request_id or str(uuid.uuid4()), "series": "ticket", "prefix": prefix, "day": DAY,
            "kind": kind, "size": size}


def lease(env, dev: str, tok: str, asks=(), returns=()):  # noqa: ANN001, ANN201
    r = env["client"].post("/api/v1/sync/lease", headers=auth(tok), json={
        "device": dev, "protocol_version": 1, "asks": list(asks), "returns": list(returns)})
    assert r.status_code == 200, r.text
    return r.json()


def test_live_blocks_grow_from_the_bottom_and_reserves_from_the_top(env) -> None:  # noqa: ANN001
    a, ta = new_device(env["db"], "dispenser", env["hall"])
    b, tb = new_device(env["db"], "dispenser", env["hall"])
    first = lease(env, a, ta, [ask("live", 10), ask("reserve", 40)])["blocks"]
    second = lease(env, b, tb, [ask("live", 10), ask("reserve", 40)])["blocks"]
    assert [(x["first"], x["last"]) for x in first] == [(1, 10), (960, 999)]
    assert [(x["first"], x["last"]) for x in second] == [(11, 20), (920, 959)]
    again = lease(env, a, ta, [ask("reserve", 40)])["blocks"]  # one reserve block per device and day
    assert (again[0]["first"], again[0]["last"]) == (960, 999)


def test_an_ask_repeated_after_a_lost_answer_gets_the_same_block(env) -> None:  # noqa: ANN001
    a, ta = new_device(env["db"], "dispenser", env["hall"])
    rid = str(uuid.uuid4())
    one = lease(env, a, ta, [ask("live", 5, rid)])["blocks"][0]
    two = lease(env, a, ta, [ask("live", 5, rid)])["blocks"][0]
    assert one == two


def test_a_returned_tail_is_granted_again_and_never_twice(env) -> None:  # noqa: ANN001
    a, ta = new_device(env["db"], "dispenser", env["hall"])
    b, tb = new_device(env["db"], "workstation", env["hall"])
    block = lease(env, a, ta, [ask("live", 10)])["blocks"][0]
    assert lease(env, a, ta, returns=[{"block_id": block["block_id"], "high_water": 4}])["returned"] == [block["block_id"]]
    lease(env, a, ta, returns=[{"block_id": block["block_id"], "high_water": 4}])  # idempotent
    tail = lease(env, b, tb, [ask("live", 4)])["blocks"][0]
    rest = lease(env, b, tb, [ask("live", 4)])["blocks"][0]
    after = lease(env, b, tb, [ask("live", 4)])["blocks"][0]
    assert [(x["first"], x["last"]) for x in (tail, rest, after)] == [(5, 8), (9, 10), (11, 14)]
    number = {"seq": 1, "command_id": str(uuid.uuid4()), "name": "number.issue", "version": 1, "base": None,
              "hlc": "0000000000001-00000-x", "args": {"number_id": str(uuid.uuid4()), "series": "ticket",
                                                       "prefix": "A", "day": DAY, "number": 6, "display": "A006",
                                                       "block_id": block["block_id"]}}
    result = push(env["client"], a, ta, [number]).json()["results"][0]
    assert (result["status"], result["code"]) == ("rejected", "number_outside_lease")


def test_an_exhausted_series_is_reported_per_ask(env) -> None:  # noqa: ANN001
    a, ta = new_device(env["db"], "dispenser", env["hall"])
    lease(env, a, ta, [ask("reserve", 100, prefix="B")])
    for _ in range(18):  # 50 live numbers per request at most: 899 below the reserve take 18 requests
        lease(env, a, ta, [ask("live", 50, prefix="B")])
    body = lease(env, a, ta, [ask("live", 10, prefix="B"), ask("live", 10, prefix="C")])
    assert [r["code"] for r in body["refused"]] == ["series_exhausted"]
    assert [(x["prefix"], x["first"]) for x in body["blocks"]] == [("C", 1)]


def test_displays_hold_no_leases(env) -> None:  # noqa: ANN001
    d, td = new_device(env["db"], "display", env["hall"])
    r = env["client"].post("/api/v1/sync/lease", headers=auth(td),
                           json={"device": d, "protocol_version": 1, "asks": [ask("live", 5)]})
    assert (r.status_code, r.json()["error"]["code"]) == (403, "lease_not_allowed")


def login(env, username: str, device: str | None) -> str:  # noqa: ANN001
    r = env["client"].post("/api/v1/auth/login", json={"username": username, "password": "GovHall@2026",
                                                        "device_id": device})
    assert r.status_code == 200, r.text
    return r.json()["token"]


def test_a_staff_login_on_a_workstation_adds_its_roles(env) -> None:  # noqa: ANN001
    ws, tws = new_device(env["db"], "workstation", env["hall"], env["windows"][0])
    cmd = fact(1, name="test.approve", args={"text": "ok"})
    alone = push(env["client"], ws, tws, [cmd]).json()["results"][0]
    assert (alone["status"], alone["code"]) == ("rejected", "role_required")
    staff = login(env, "approver", ws)
    r = env["client"].post("/api/v1/sync/push", headers={**auth(tws), "X-Staff-Token": staff},
                           json={"device": ws, "protocol_version": 1, "commands": [fact(2, name="test.approve",
                                                                                         args={"text": "ok"})]})
    assert r.json()["results"][0]["status"] == "accepted"
    assert r.json()["results"][0]["result"] == {"by": "approver"}
    elsewhere = login(env, "approver", None)  # a staff token not issued on this workstation
    r = env["client"].post("/api/v1/sync/push", headers={**auth(tws), "X-Staff-Token": elsewhere},
                           json={"device": ws, "protocol_version": 1, "commands": [fact(3)]})
    assert (r.status_code, r.json()["error"]["code"]) == (401, "staff_token_invalid")


def test_only_an_admin_registers_devices_and_gets_the_token_once(env) -> None:  # noqa: ANN001
    body = {"kind": "dispenser", "name": "一楼取号机", "hall_id": env["hall"]}
    clerk = env["client"].post("/api/v1/sync/devices", json=body,
                               headers={"Authorization": f"Bearer {login(env, 'clerk', None)}"})
    assert (clerk.status_code, clerk.json()["error"]["code"]) == (403, "role_required")
    admin = {"Authorization": f"Bearer {login(env, 'admin', None)}"}
    r = env["client"].post("/api/v1/sync/devices", json=body, headers=admin)
    assert r.status_code == 201 and r.json()["scopes"] == [f"hall:{env['hall']}"]
    pulled = env["client"].get("/api/v1/sync/pull", headers=auth(r.json()["token"]))
    assert pulled.status_code == 200
    bad = env["client"].post("/api/v1/sync/devices", json={**body, "window_id": 999_999}, headers=admin)
    assert (bad.status_code, bad.json()["error"]["code"]) == (422, "window_not_in_hall")


def test_events_answer_on_a_write_and_time_out_without_one(env) -> None:  # noqa: ANN001
    reader, tr = new_device(env["db"], "display", env["hall"])
    writer, tw = new_device(env["db"], "workstation", env["hall"])
    idle = env["client"].get("/api/v1/sync/events", params={"since": 0, "timeout": 0.2}, headers=auth(tr)).json()
    since = idle["seq"]
    quiet = env["client"].get("/api/v1/sync/events", params={"since": since, "timeout": 0.2}, headers=auth(tr))
    assert quiet.json() == {"changed": False, "seq": since}
    answers = []

    def wait() -> None:
        start = time.perf_counter()
        r = env["client"].get("/api/v1/sync/events", params={"since": since, "timeout": 10}, headers=auth(tr))
        answers.append((r.json(), time.perf_counter() - start))

    t = threading.Thread(target=wait)
    t.start()
    time.sleep(0.3)
    push(env["client"], writer, tw, [fact(1)])
    t.join(10)
    (body, waited), = answers
    assert body["changed"] is True and body["seq"] > since and waited < 5


def test_the_hub_wakes_every_waiter_of_the_hall_only() -> None:
    from server.sync.events import EventHub

    async def scenario() -> list:
        hub = EventHub()

        async def current() -> int:
            return 5
        waiters = [asyncio.create_task(hub.wait(1, 5, 2.0, current)) for _ in range(50)]
        other = asyncio.create_task(hub.wait(2, 5, 0.3, current))
        await asyncio.sleep(0.05)
        assert hub.waiting() == 2
        await asyncio.to_thread(hub.notify, 1, 6)  # from a worker thread, as the sync routes do
        return await asyncio.gather(*waiters, other)

    results = asyncio.run(scenario())
    assert results[:50] == [(True, 6)] * 50 and results[50] == (False, 5)


def test_an_admin_runs_retention_and_old_cursors_then_reset(env) -> None:  # noqa: ANN001
    ws, tws = new_device(env["db"], "workstation", env["hall"])
    eid = str(uuid.uuid4())
    cmds = [fact(1, name="entity.create", args={"entity_id": eid, "kind": "k", "state": "s", "data": {}}),
            fact(2, name="entity.delete", args={"entity_id": eid}, base={"expected_version": 1})]
    assert [r["status"] for r in push(env["client"], ws, tws, cmds).json()["results"]] == ["accepted", "accepted"]
    admin = {"Authorization": f"Bearer {login(env, 'admin', None)}"}
    kept = env["client"].post("/api/v1/sync/compact", json={"retention_days": 30}, headers=admin)
    assert kept.json() == {"dropped": {f"hall:{env['hall']}": 0}}
    env["app"].state.clock.advance(days=31)
    admin = {"Authorization": f"Bearer {login(env, 'admin', None)}"}
    done = env["client"].post("/api/v1/sync/compact", json={"retention_days": 30}, headers=admin)
    assert done.json() == {"dropped": {f"hall:{env['hall']}": 2}}  # the create, then its tombstone
    scope = f"hall:{env['hall']}"
    r = env["client"].get("/api/v1/sync/pull", params={"cursors": f"{scope}@1"}, headers=auth(tws)).json()
    assert r["reset_required"] == [scope]


def test_one_request_cannot_use_up_a_series(env) -> None:  # noqa: ANN001
    """Issue 18: one dispenser request of 5 × 200 live and 200 reserve numbers once took the whole series."""
    a, ta = new_device(env["db"], "dispenser", env["hall"])
    body = lease(env, a, ta, [ask("reserve", 200)] + [ask("live", 200) for _ in range(5)])
    sizes = [(b["kind"], b["last"] - b["first"] + 1) for b in body["blocks"]]
    assert sizes == [("reserve", 100), ("live", 50)]
    assert {r["code"] for r in body["refused"]} == {"lease_request_too_large"}
    b, tb = new_device(env["db"], "dispenser", env["hall"])
    assert lease(env, b, tb, [ask("live", 10)])["blocks"][0]["first"] == 51  # the rest is there for others


def _case_ask(kind: str, size: int) -> dict:
    return {**ask(kind, size, prefix="SL"), "series": "case", "day": "2026-01-01"}


def test_case_numbers_run_to_six_digits_and_only_workstations_lease_them(env) -> None:  # noqa: ANN001
    ws, tws = new_device(env["db"], "workstation", env["hall"], env["windows"][0])
    body = lease(env, ws, tws, [_case_ask("reserve", 40), _case_ask("live", 10)])
    assert [(b["first"], b["last"]) for b in body["blocks"]] == [(999_960, 999_999), (1, 10)]
    d, td = new_device(env["db"], "dispenser", env["hall"])
    r = env["client"].post("/api/v1/sync/lease", headers=auth(td), json={
        "device": d, "protocol_version": 1, "asks": [_case_ask("live", 10)], "returns": []})
    assert (r.status_code, r.json()["error"]["code"]) == (403, "lease_not_allowed")
    other = lease(env, ws, tws, [{**_case_ask("reserve", 10), "series": "visit"}])  # a generic series: 3 digits
    assert [(b["first"], b["last"]) for b in other["blocks"]] == [(990, 999)]


def test_the_hub_wakes_only_waiters_the_new_cursor_passes_and_keeps_nothing_after() -> None:
    """A device waiting from further on than the hall's cursor (ahead of a restored server) sleeps through the
    changes that do not reach it; when everyone has gone, the hub holds no event for anyone."""
    from server.sync.events import EventHub

    async def scenario() -> tuple[list, int, dict]:
        hub = EventHub()
        woken: list[int] = []

        async def current() -> int:
            return 5

        async def device(since: int, timeout: float) -> tuple[bool, int]:
            answer = await hub.wait(1, since, timeout, current)
            woken.append(since)
            return answer
        near = [asyncio.create_task(device(5, 2.0)) for _ in range(3)]
        ahead = asyncio.create_task(device(9, 0.5))
        await asyncio.sleep(0.05)
        sleeping = hub._events[1][9]  # noqa: SLF001
        await asyncio.to_thread(hub.notify, 1, 6)
        await asyncio.sleep(0.05)
        early = list(woken)  # the cursor passed 5: those three, not the one waiting from 9
        assert hub._events[1] == {9: sleeping} and not sleeping.event.is_set()  # noqa: SLF001 - never woken
        results = await asyncio.gather(*near, ahead)
        return [early, results], hub.waiting(), hub._events  # noqa: SLF001 - nothing left behind

    (early, results), waiting, events = asyncio.run(scenario())
    assert early == [5, 5, 5]
    assert results == [(True, 6)] * 3 + [(False, 6)]
    assert waiting == 0 and events == {1: {}}
