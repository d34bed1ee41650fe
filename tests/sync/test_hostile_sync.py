"""Hostile sync traffic (issue 18): a fact nested 300 levels deep is refused and cannot break a snapshot; a
command id reused at a new seq is rejected `command_id_reused` (409), recorded once, and the device moves on;
pull cursors accept ASCII digits within 64 bits only."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import delete, func, insert, select, update

from server.sync.changes import next_seq
from shared.protocol import limits
from server.sync.models import ChangeLog, CommandLog, SyncDevice
from shared.db.cache import open_cache
from shared.sync.client import SyncClient
from shared.sync.tables import outbox
from tests.sync.support import new_device
from tests.sync.test_client_loop import AppTransport
from tests.sync.test_server_api import auth, env, fact, push  # noqa: F401 (env is a fixture)


def _deep(levels: int) -> dict:
    value: dict = {"stars": 5}
    for _ in range(levels):
        value = {"x": value}
    return value


def test_a_fact_nested_300_levels_is_refused_and_nothing_is_applied(env) -> None:  # noqa: ANN001,F811
    dev, tok = new_device(env["db"], "workstation", env["hall"])
    r = push(env["client"], dev, tok, [fact(1, body=_deep(300))])
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == "too_deep"
    with env["db"].session() as s:
        assert s.get(SyncDevice, dev).last_seq == 0


def test_a_snapshot_serves_a_stored_row_of_any_depth(env) -> None:  # noqa: ANN001,F811
    """A row stored before the limit existed (or written by the server itself) must not break the snapshot."""
    dev, tok = new_device(env["db"], "workstation", env["hall"])
    scope = f"hall:{env['hall']}"
    with env["db"].session() as s:
        seq = next_seq(s, env["hall"])
        s.execute(insert(ChangeLog).values(hall_id=env["hall"], scope=scope, seq=seq, tbl="sync_fact",
                                           pk="deep", op="upsert", row=_deep(300), at=env["clock"].now))
    r = env["client"].get("/api/v1/sync/snapshot", params={"scope": scope}, headers=auth(tok))
    assert r.status_code == 200, r.text[:300]
    body = r.json()
    assert body["cursor"] == seq
    assert any(row["pk"] == "deep" for row in body["rows"])
    pulled = env["client"].get("/api/v1/sync/pull", params={"cursors": f"{scope}@0", "limit": 5000},
                               headers=auth(tok)).json()
    assert {(c["table"], c["pk"]) for c in pulled["changes"]} == {(c["table"], c["pk"]) for c in body["rows"]}


def test_a_command_id_reused_at_a_new_seq_is_rejected_once_and_the_device_moves_on(env) -> None:  # noqa: ANN001,F811
    dev, tok = new_device(env["db"], "workstation", env["hall"])
    first = fact(1)
    assert push(env["client"], dev, tok, [first]).status_code == 200
    again = fact(2, command_id=first["command_id"])
    r = push(env["client"], dev, tok, [again])
    assert r.status_code == 200, r.text
    [result] = r.json()["results"]
    assert (result["status"], result["code"], result["http_status"]) == ("rejected", "command_id_reused", 409)
    assert result["command_id"] == first["command_id"] and r.json()["last_seq"] == 2
    replay = push(env["client"], dev, tok, [again]).json()["results"][0]  # the answer was lost: the same one
    assert (replay["code"], replay["replayed"]) == ("command_id_reused", True)
    assert push(env["client"], dev, tok, [fact(3)]).json()["results"][0]["status"] == "accepted"
    with env["db"].session() as s:
        assert s.scalar(select(func.count()).select_from(CommandLog)
                        .where(CommandLog.command_id == first["command_id"])) == 1
        assert s.scalar(select(func.count()).select_from(CommandLog).where(CommandLog.device_id == dev)) == 3


def test_a_client_whose_outbox_reused_a_command_id_surfaces_it_and_syncs_on(env, tmp_path) -> None:  # noqa: ANN001,F811
    dev, tok = new_device(env["db"], "workstation", env["hall"])
    client = SyncClient(open_cache(tmp_path / "c.sqlite3", immediate=True), device_id=dev, token=tok,
                        transport=AppTransport(env["client"]))
    args = lambda: {"fact_id": str(uuid.uuid4()), "kind": "rating", "body": {"stars": 4}}  # noqa: E731
    first = client.submit("fact.record", 1, args())
    client.push()
    client.submit("fact.record", 1, args())
    client.submit("fact.record", 1, args())
    with client.engine.begin() as conn:  # a restored or rebuilt outbox: seq 2 carries seq 1's command id
        conn.execute(delete(outbox).where(outbox.c.seq == 1))
        conn.execute(update(outbox).where(outbox.c.seq == 2).values(command_id=first.command_id))
    client.push()
    with client.engine.connect() as conn:
        statuses = dict(conn.execute(select(outbox.c.seq, outbox.c.status)).all())
    assert statuses == {2: "rejected", 3: "accepted"}
    assert [r.code for r in client.rejected()] == ["command_id_reused"]


@pytest.mark.parametrize("cursor", ["²", "1²", "٣", str(2**63), "9" * 40])
def test_pull_cursors_take_ascii_digits_within_64_bits(env, cursor: str) -> None:  # noqa: ANN001,F811
    dev, tok = new_device(env["db"], "workstation", env["hall"])
    r = env["client"].get("/api/v1/sync/pull", params={"cursors": f"hall:{env['hall']}@{cursor}"},
                          headers=auth(tok))
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] in ("invalid_cursor", "value_out_of_range")


def test_a_fact_body_over_16_kib_is_rejected_and_the_device_moves_on(env) -> None:  # noqa: ANN001,F811
    dev, tok = new_device(env["db"], "workstation", env["hall"])
    results = push(env["client"], dev, tok, [fact(1, body={"note": "评" * 6000}), fact(2)]).json()["results"]
    assert [(r["status"], r["code"]) for r in results] == [("rejected", "invalid_args"), ("accepted", None)]
    assert results[0]["details"]["problems"][0]["type"] == "too_large"


def test_a_push_is_walked_once_and_a_breach_deep_in_its_args_is_still_named(env, monkeypatch) -> None:  # noqa: ANN001,F811
    """A push's limits are checked in one walk of its body: its commands and their args, validated again
    afterwards, are not walked twice more (shared/protocol/base.py `walked`); what that walk refuses is refused
    with the breach's path, and the push changes nothing."""
    walks: list[object] = []
    walk = limits._walk
    monkeypatch.setattr(limits, "_walk", lambda value: (walks.append(value), walk(value))[1])
    dev, tok = new_device(env["db"], "workstation", env["hall"])
    r = push(env["client"], dev, tok, [fact(seq) for seq in (1, 2, 3)])
    assert r.status_code == 200 and [c["status"] for c in r.json()["results"]] == ["accepted"] * 3, r.text
    assert len(walks) == 1
    bad = fact(4, body={"note": {"when": "0999-01-01"}})
    r = push(env["client"], dev, tok, [bad])
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "date_out_of_range" and "commands.0.args.body.note.when" in r.text, error
    with env["db"].session() as s:
        assert s.get(SyncDevice, dev).last_seq == 3
