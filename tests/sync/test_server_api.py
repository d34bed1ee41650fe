"""The sync endpoints against SQLite and PostgreSQL: idempotent push, rejections that advance the sequence,
request-level errors that apply nothing, scopes from the token, pull pages, snapshot and compaction."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, func, select

from server.core.settings import Settings
from server.main import create_app
from server.sync.changes import compact
from server.sync.models import ChangeLog, CommandLog, SyncFact
from server.sync.reference import PUBLISHED_TABLES
from shared.protocol.sync import cursors_param
from tests.sync.support import FakeClock, demo_hall, new_device

PROTO = 1


REFERENCE = list(PUBLISHED_TABLES)  # the hall scope also carries the published reference rows


@pytest.fixture
def env(server_db, tmp_path):  # noqa: ANN001
    clock = FakeClock()
    app = create_app(Settings(migrate_on_start=False, data_dir=tmp_path), database=server_db, clock=clock)
    hall_id, windows = demo_hall(server_db)
    with TestClient(app) as client:
        yield {"db": server_db, "client": client, "hall": hall_id, "windows": windows, "clock": clock}


def auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def fact(seq: int, body: dict | None = None, **over) -> dict:
    cmd = {"seq": seq, "command_id": str(uuid.uuid4()), "name": "fact.record", "version": 1,
           "args": {"fact_id": str(uuid.uuid4()), "kind": "rating", "body": body or {"stars": 5}},
           "base": None, "hlc": f"{1000 + seq:013d}-00000-test"}
    cmd.update(over)
    return cmd


def push(client: TestClient, device: str, token: str, commands: list[dict]):  # noqa: ANN201
    return client.post("/api/v1/sync/push", headers=auth(token),
                       json={"device": device, "protocol_version": PROTO, "commands": commands})


def test_push_is_idempotent_by_seq_and_replays_the_stored_result(env) -> None:  # noqa: ANN001
    dev, tok = new_device(env["db"], "workstation", env["hall"], env["windows"][0])
    cmds = [fact(1), fact(2)]
    first = push(env["client"], dev, tok, cmds)
    assert first.status_code == 200, first.text
    assert [r["status"] for r in first.json()["results"]] == ["accepted", "accepted"]
    again = push(env["client"], dev, tok, cmds)
    assert again.status_code == 200
    assert all(r["replayed"] for r in again.json()["results"])
    assert again.json()["last_seq"] == 2
    with env["db"].session() as s:
        assert s.scalar(select(func.count()).select_from(SyncFact)) == 2
        assert s.scalar(select(func.count()).select_from(ChangeLog).where(ChangeLog.tbl.notin_(REFERENCE))) == 2


def test_a_gap_refuses_the_whole_push_and_applies_nothing(env) -> None:  # noqa: ANN001
    dev, tok = new_device(env["db"], "workstation", env["hall"])
    r = push(env["client"], dev, tok, [fact(1), fact(3)])
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "seq_gap"
    assert r.json()["error"]["details"]["expected"] == 2
    with env["db"].session() as s:
        assert s.scalar(select(func.count()).select_from(CommandLog)) == 0


def test_a_reused_seq_with_another_command_is_refused(env) -> None:  # noqa: ANN001
    dev, tok = new_device(env["db"], "workstation", env["hall"])
    assert push(env["client"], dev, tok, [fact(1)]).status_code == 200
    r = push(env["client"], dev, tok, [fact(1)])
    assert r.status_code == 409 and r.json()["error"]["code"] == "seq_reused"


@pytest.mark.parametrize("command, code, status", [
    ({"name": "no.such"}, "unknown_command", 422),
    ({"version": 7}, "unknown_command_version", 422),
    ({"args": {"fact_id": "not-a-uuid", "kind": "x", "body": {}}}, "invalid_args", 422),
    ({"name": "queue.rate", "args": {}}, "command_not_allowed", 403),  # an evaluator's command
])
def test_a_permanently_rejected_command_advances_the_sequence(env, command, code, status) -> None:  # noqa: ANN001
    dev, tok = new_device(env["db"], "workstation", env["hall"])
    r = push(env["client"], dev, tok, [fact(1, **command), fact(2)])
    assert r.status_code == 200
    bad, good = r.json()["results"]
    assert (bad["status"], bad["code"], bad["http_status"]) == ("rejected", code, status)
    assert good["status"] == "accepted" and r.json()["last_seq"] == 2
    with env["db"].session() as s:
        assert s.scalar(select(func.count()).select_from(SyncFact)) == 1


@pytest.mark.parametrize("kind", ["evaluator", "display", "controller", "dispenser"])
def test_a_device_that_is_not_a_workstation_records_only_its_health(env, kind) -> None:  # noqa: ANN001
    """Least privilege (issue 18): a kiosk, display or controller may report its faults and recoveries and no
    other kind of fact (ratings and tickets have commands of their own); the refusal has its own code and the
    device moves on."""
    dev, tok = new_device(env["db"], kind, env["hall"])
    health = {"device": dev, "part": "printer", "code": "printer_paper_out", "at": "2026-11-02T09:00:00+08:00"}
    r = push(env["client"], dev, tok, [fact(1), fact(2, args={"fact_id": str(uuid.uuid4()),
                                                              "kind": "device_fault", "body": health})])
    assert r.status_code == 200, r.text
    refused, reported = r.json()["results"]
    assert (refused["status"], refused["code"], refused["http_status"]) == ("rejected", "fact_kind_not_allowed", 403)
    assert reported["status"] == "accepted" and r.json()["last_seq"] == 2
    with env["db"].session() as s:
        assert list(s.scalars(select(SyncFact.kind))) == ["device_fault"]


def test_request_level_errors_have_specific_codes(env) -> None:  # noqa: ANN001
    dev, tok = new_device(env["db"], "workstation", env["hall"])
    other, _ = new_device(env["db"], "workstation", env["hall"])
    c = env["client"]
    cases = [
        (c.post("/api/v1/sync/push", headers=auth("nope"), json={"device": dev, "protocol_version": 1,
                                                                  "commands": [fact(1)]}), 401, "device_token_invalid"),
        (push(c, other, tok, [fact(1)]), 403, "device_mismatch"),
        (c.post("/api/v1/sync/push", headers=auth(tok), json={"device": dev, "protocol_version": 99,
                                                               "commands": [fact(1)]}), 400, "protocol_unsupported"),
        (c.post("/api/v1/sync/push", headers=auth(tok), json={"device": dev, "protocol_version": 1,
                                                               "commands": [fact(1)] * 501}), 422, "invalid_request"),
        (c.post("/api/v1/sync/push", headers={**auth(tok), "content-type": "application/json"}, content=b"{"),
         400, "invalid_json"),
        (c.post("/api/v1/sync/push", headers={**auth(tok), "content-type": "application/json"},
                content=b"[" + b" " * (5 * 1024 * 1024) + b"]"), 413, "payload_too_large"),
        (c.get("/api/v1/sync/pull", params={"cursors": "hall:999@0"}, headers=auth(tok)), 403, "scope_forbidden"),
    ]
    for response, status, code in cases:
        assert (response.status_code, response.json()["error"]["code"]) == (status, code), response.text
    with env["db"].session() as s:
        assert s.scalar(select(func.count()).select_from(CommandLog)) == 0


def test_stale_base_is_rejected_with_the_current_state(env) -> None:  # noqa: ANN001
    dev, tok = new_device(env["db"], "workstation", env["hall"], env["windows"][0])
    eid = str(uuid.uuid4())
    create = fact(1, name="entity.create", args={"entity_id": eid, "kind": "case", "state": "accepted", "data": {}})
    upd = lambda seq, v: fact(seq, name="entity.update", args={"entity_id": eid, "state": "reviewed",  # noqa: E731
                                                                "data": {"n": seq}}, base={"expected_version": v})
    r = push(env["client"], dev, tok, [create, upd(2, 1), upd(3, 1)])
    results = r.json()["results"]
    assert [x["status"] for x in results] == ["accepted", "accepted", "rejected"]
    assert results[2]["code"] == "stale_base"
    assert results[2]["details"]["current_version"] == 2
    assert results[2]["details"]["changed_by"] == dev


def test_pull_pages_in_seq_order_and_scopes_come_from_the_token(env) -> None:  # noqa: ANN001
    dev, tok = new_device(env["db"], "workstation", env["hall"], env["windows"][0])
    push(env["client"], dev, tok, [fact(i) for i in range(1, 8)])
    cursors, seen = f"hall:{env['hall']}@0", []
    while True:
        r = env["client"].get("/api/v1/sync/pull", params={"cursors": cursors, "limit": 3}, headers=auth(tok))
        body = r.json()
        seen += [c["seq"] for c in body["changes"] if c["table"] not in REFERENCE]
        cursors = ",".join(f"{k}@{v}" for k, v in body["cursors"].items())
        if not body["has_more"]:
            break
    assert seen == sorted(seen) and len(seen) == 7
    assert body["scopes"] == [f"hall:{env['hall']}", f"window:{env['windows'][0]}"]


def _change_log_reads(db) -> list[str]:  # noqa: ANN001
    seen: list[str] = []
    event.listen(db.engine, "before_cursor_execute",
                 lambda conn, cursor, sql, *rest: seen.append(sql) if "FROM change_log" in sql else None)
    return seen


def test_an_up_to_date_devices_pull_reads_no_change_log_and_one_behind_gets_its_rows(env) -> None:  # noqa: ANN001
    """Every device's sync timer pulls with cursors at the hall's counter: answered from the counter alone. A
    cursor behind it — any scope's, the window's too — reads the log as ever."""
    dev, tok = new_device(env["db"], "workstation", env["hall"], env["windows"][0])
    display, display_tok = new_device(env["db"], "display", env["hall"])
    push(env["client"], dev, tok, [fact(1)])

    def pull(token: str, cursors: str = "") -> dict:
        r = env["client"].get("/api/v1/sync/pull", params={"cursors": cursors, "limit": 5000}, headers=auth(token))
        assert r.status_code == 200, r.text
        return r.json()

    def at(body: dict) -> str:
        return ",".join(f"{k}@{v}" for k, v in body["cursors"].items())
    caught_up = {name: pull(token) for name, token in (("workstation", tok), ("display", display_tok))}
    reads = _change_log_reads(env["db"])
    for name, token in (("workstation", tok), ("display", display_tok)):  # a display's kind hides tables
        again = pull(token, at(caught_up[name]))
        assert again["changes"] == [] and again["cursors"] == caught_up[name]["cursors"] and not again["has_more"]
        assert again["last_seq"] == (1 if name == "workstation" else 0)
    assert reads == []
    fid = str(uuid.uuid4())
    push(env["client"], dev, tok, [fact(2, args={"fact_id": fid, "kind": "rating", "body": {"stars": 3}})])
    hall, window = caught_up["workstation"]["cursors"].items()
    behind = pull(tok, f"{hall[0]}@{hall[1] + 1000},{window[0]}@{window[1]}")  # only the window's cursor behind
    assert reads and not behind["has_more"]
    assert pull(tok, at(caught_up["workstation"]))["changes"][-1]["pk"] == fid


def test_compaction_raises_the_floor_and_old_cursors_must_reset(env) -> None:  # noqa: ANN001
    dev, tok = new_device(env["db"], "workstation", env["hall"])
    eid = str(uuid.uuid4())
    cmds = [fact(1, name="entity.create", args={"entity_id": eid, "kind": "k", "state": "s", "data": {}})]
    cmds += [fact(i, name="entity.update", args={"entity_id": eid, "data": {"i": i}}, base={"expected_version": i - 1})
             for i in range(2, 6)]
    assert all(x["status"] == "accepted" for x in push(env["client"], dev, tok, cmds).json()["results"])
    scope = f"hall:{env['hall']}"
    # Read before compaction: the server keeps the floors it read, and must see compaction move them.
    before = env["client"].get("/api/v1/sync/pull", params={"cursors": f"{scope}@2"}, headers=auth(tok)).json()
    assert before["reset_required"] == [] and before["changes"]
    env["clock"].advance(days=31)
    with env["db"].session() as s:
        dropped = compact(s, f"hall:{env['hall']}", before=env["clock"]() )
    assert dropped == 4
    r = env["client"].get("/api/v1/sync/pull", params={"cursors": f"{scope}@2"}, headers=auth(tok)).json()
    assert r["reset_required"] == [scope]
    snap = env["client"].get("/api/v1/sync/snapshot", params={"scope": scope}, headers=auth(tok)).json()
    assert [row["row"]["version"] for row in snap["rows"] if row["table"] not in REFERENCE] == [5]
    fresh = env["client"].get("/api/v1/sync/pull", params={"cursors": f"{scope}@0"}, headers=auth(tok)).json()
    assert fresh["reset_required"] == []
    assert [c["row"]["version"] for c in fresh["changes"] if c["table"] not in REFERENCE] == [5]


def test_the_same_fact_twice_is_stored_once_and_a_reused_fact_id_is_refused(env) -> None:  # noqa: ANN001
    dev, tok = new_device(env["db"], "workstation", env["hall"])
    first = fact(1)
    same = fact(2, args=first["args"])
    other = fact(3, args={**first["args"], "body": {"stars": 1}})
    results = push(env["client"], dev, tok, [first, same, other]).json()["results"]
    assert [(r["status"], r["code"]) for r in results] == [("accepted", None), ("accepted", None),
                                                            ("rejected", "fact_id_conflict")]
    assert results[1]["result"]["duplicate"] is True
    with env["db"].session() as s:
        assert s.scalar(select(func.count()).select_from(SyncFact)) == 1
        assert s.scalar(select(func.count()).select_from(ChangeLog).where(ChangeLog.tbl.notin_(REFERENCE))) == 1


def test_pulls_that_arrive_together_share_one_call_and_each_gets_its_own_answer(server_db,  # noqa: ANN001
                                                                                 tmp_path) -> None:  # noqa: ANN001
    """A change wakes every device of the hall and they all pull at once: the pulls waiting together are read in
    one unit of work, and each answer is exactly what that pull gets alone — its scopes, its kind's tables — with
    a refusal (a bad token, a scope not granted) its own."""
    import asyncio

    import httpx

    app = create_app(Settings(migrate_on_start=False, data_dir=tmp_path), database=server_db, clock=FakeClock())
    hall, windows = demo_hall(server_db)
    devices = [new_device(server_db, kind, hall, window) for kind, window in
               [("workstation", windows[0]), ("workstation", windows[1]), ("display", None), ("evaluator", windows[0])]]
    with TestClient(app) as client:
        dev, tok = devices[0]
        assert push(client, dev, tok, [fact(1)]).status_code == 200  # a window-scoped device's own change too
        scope = f"hall:{hall}"
        asks = [({"cursors": ""}, auth(tok)) for _, tok in devices] * 8
        asks += [({"cursors": f"{scope}@0"}, auth(tok)) for _, tok in devices]  # one scope asked, from 0
        asks += [({"cursors": ""}, auth("not-a-token")), ({"cursors": f"window:{windows[1]}@0"}, auth(devices[0][1]))]
        alone = [client.get("/api/v1/sync/pull", params=p, headers=h) for p, h in asks]

    async def together() -> list[httpx.Response]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hall") as http:
            return await asyncio.gather(*(http.get("/api/v1/sync/pull", params=p, headers=h) for p, h in asks))

    calls = app.state.pulls.calls
    answers = asyncio.run(together())
    assert app.state.pulls.calls - calls < len(asks) / 4
    assert [(a.status_code, a.json()) for a in answers] == [(a.status_code, a.json()) for a in alone]
    assert [a.status_code for a in answers[-2:]] == [401, 403]
    tables = {kind: {c["table"] for c in a.json()["changes"]}
              for kind, a in zip(("ws", "ws2", "display", "eval"), answers)}
    assert "approval_definition" in tables["ws"] and tables["display"] < tables["ws"] and tables["eval"] < tables["ws"]


def test_a_batch_of_large_pulls_shortens_the_later_pages_and_nothing_is_lost(server_db, tmp_path,  # noqa: ANN001
                                                                             monkeypatch) -> None:
    """A batch holds every answer until the last is built: once it has read its row budget, the pages still to
    come are shortened (has_more), and each device pulling on gets exactly what one unbounded pull gets."""
    import asyncio

    import httpx

    from server.api import sync as sync_api

    app = create_app(Settings(migrate_on_start=False, data_dir=tmp_path), database=server_db, clock=FakeClock())
    hall, windows = demo_hall(server_db)
    devices = [new_device(server_db, "workstation", hall, windows[i % 2]) for i in range(6)]
    with TestClient(app) as client:
        whole = [client.get("/api/v1/sync/pull", params={"limit": 5000}, headers=auth(tok)).json()
                 for _, tok in devices]
    assert all(not w["has_more"] and len(w["changes"]) > 20 for w in whole)
    monkeypatch.setattr(sync_api, "PULL_BATCH_ROWS", 20)
    monkeypatch.setattr(sync_api, "PULL_MIN_PAGE", 3)

    async def pull_on() -> list[list[dict]]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hall") as http:
            async def one(tok: str) -> list[dict]:
                got, cursors = [], ""
                while True:
                    page = (await http.get("/api/v1/sync/pull", params={"cursors": cursors, "limit": 5000},
                                           headers=auth(tok))).json()
                    got.append(page)
                    cursors = cursors_param(page["cursors"])
                    if not page["has_more"]:
                        return got
            return await asyncio.gather(*(one(tok) for _, tok in devices))

    pages = asyncio.run(pull_on())
    first = [p[0] for p in pages]
    # Each batch's first page reads the budget, the others the shortest page (asked together: one batch).
    assert all(p["has_more"] and len(p["changes"]) in (20, 3) for p in first)
    assert sorted(len(p["changes"]) for p in first).count(3) >= 3
    for alone, pulled in zip(whole, pages):
        assert [c for p in pulled for c in p["changes"]] == alone["changes"]
        assert pulled[-1]["cursors"] == alone["cursors"]
