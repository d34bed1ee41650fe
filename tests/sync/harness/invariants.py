"""SYNC.md's invariants, checked on a quiet World (after `quiesce`). Each check raises AssertionError naming
the invariant; the caller adds the seed."""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict

from sqlalchemy import select

from server.sync.commands import entity_row, fact_row, number_row
from server.sync.leases import block_covers
from server.sync.models import CommandLog, IssuedNumber, NumberBlock, NumberSeries, SyncEntity, SyncFact
from shared.sync.tables import outbox, pending
from tests.sync.harness.world import World

SERVER_TABLES = {"sync_fact": (SyncFact, fact_row), "sync_entity": (SyncEntity, entity_row),
                 "issued_number": (IssuedNumber, number_row)}


def digest(rows: dict[str, dict]) -> str:
    return hashlib.sha256(json.dumps(rows, sort_keys=True, default=str).encode()).hexdigest()


def client_outbox(world: World, dev) -> list[dict]:  # noqa: ANN001
    with dev.client.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(outbox).order_by(outbox.c.seq))]


def server_log(world: World) -> dict[str, list[CommandLog]]:
    out: dict[str, list[CommandLog]] = defaultdict(list)
    with world.db.session() as s:
        for entry in s.scalars(select(CommandLog).order_by(CommandLog.device_id, CommandLog.seq)):
            s.expunge(entry)
            out[entry.device_id].append(entry)
    return out


def check_no_lost_write_and_exactly_once(world: World) -> None:
    """1 and 2: every outbox entry has the server's result, the server's log holds each device's commands
    once, in order, with the same ids; every accepted fact exists exactly once."""
    log = server_log(world)
    accepted_facts: Counter[str] = Counter()
    for dev in world.devices:
        entries = client_outbox(world, dev)
        assert all(e["status"] != "pending" for e in entries), f"1: {dev.name} still has unanswered commands"
        assert [e["seq"] for e in entries] == list(range(1, len(entries) + 1)), f"1: {dev.name} outbox seq has gaps"
        server = log[dev.device_id]
        assert [(e.seq, e.command_id) for e in server] == [(e["seq"], e["command_id"]) for e in entries], \
            f"2: {dev.name}: the server's command log differs from the device's outbox"
        for mine, theirs in zip(entries, server):
            assert mine["status"] == theirs.status, f"1: {dev.name} seq {mine['seq']}: result not delivered"
            if theirs.status == "accepted" and theirs.name == "fact.record" and not theirs.result.get("duplicate"):
                accepted_facts[theirs.args["fact_id"]] += 1
    with world.db.session() as s:
        facts = set(s.scalars(select(SyncFact.id)))
    assert set(accepted_facts) == facts, "1: accepted facts and stored facts differ"
    assert all(n == 1 for n in accepted_facts.values()), "2: a fact was created twice"


def check_numbers(world: World) -> None:
    """3: one number per (hall, series, day, display); every leased number inside a block of its device;
    blocks (live, reserve and returned tails) never overlap."""
    with world.db.session() as s:
        numbers = list(s.scalars(select(IssuedNumber)))
        blocks = {b.id: b for b in s.scalars(select(NumberBlock))}
        series = {x.id: x for x in s.scalars(select(NumberSeries))}
        for b in blocks.values():
            s.expunge(b)
    keys = Counter((n.hall_id, n.series, n.prefix, n.day, n.display) for n in numbers)
    assert all(c == 1 for c in keys.values()), "3: a number was issued twice"
    for n in numbers:
        if n.number is None:
            assert n.fallback and n.display.startswith(f"{n.prefix}-"), "3: bad fallback number"
            continue
        block = blocks[n.block_id]
        assert block.device_id == n.device_id and block_covers(block, n.number), \
            f"3: {n.display} is outside its device's lease"
    by_series: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for b in blocks.values():
        top = b.last if b.returned_above is None else min(b.last, b.returned_above)
        if b.first <= top:
            by_series[b.series_id].append((b.first, top))
    for sid, ranges in by_series.items():
        ranges.sort()
        for (_, a_last), (b_first, _) in zip(ranges, ranges[1:]):
            assert b_first > a_last, f"3: blocks overlap in series {series[sid].prefix}"
    for dev in world.devices:  # the device's own view of its blocks matches the server's grants
        for lease in dev.client.leases.blocks():
            if lease["block_id"] is not None:
                b = blocks[lease["block_id"]]
                assert (b.first, b.last, b.device_id) == (lease["first"], lease["last"], dev.device_id), \
                    f"3: {dev.name}'s lease differs from the server's block"


def server_rows(world: World) -> dict[str, dict[str, dict]]:
    with world.db.session() as s:
        return {table: {obj.id: to_row(obj) for obj in s.scalars(select(model).where(model.hall_id == world.hall_id))}
                for table, (model, to_row) in SERVER_TABLES.items()}


def check_convergence(world: World) -> None:
    """4: each client's confirmed rows equal the server's (compared by hash), with nothing pending."""
    expected = {t: digest(rows) for t, rows in server_rows(world).items()}
    for dev in world.devices:
        for table, want in expected.items():
            got = digest(dev.client.confirmed(table))
            assert got == want, f"4: {dev.name}'s confirmed {table} differs from the server's"
        with dev.client.engine.connect() as conn:
            assert conn.execute(select(pending)).first() is None, f"4: {dev.name} keeps optimistic rows"
        assert dev.client.status().pending == 0


def check_workflow(world: World) -> None:
    """5: each entity's history is a path of accepted updates whose bases were versions 1..n-1 in order; every
    rejection reached its author (stored as rejected in its outbox, listed by status())."""
    log = server_log(world)
    history: dict[str, list[int]] = defaultdict(list)
    for entries in log.values():
        for e in entries:
            if e.status == "accepted" and e.name == "entity.update":
                history[e.args["entity_id"]].append(e.base["expected_version"])
    with world.db.session() as s:
        versions = {e.id: e.version for e in s.scalars(select(SyncEntity))}
    for eid, version in versions.items():
        assert sorted(history.get(eid, [])) == list(range(1, version)), f"5: entity {eid} history is not a path"
    for dev in world.devices:
        rejected_here = {e.command_id for e in log[dev.device_id] if e.status == "rejected"}
        listed = {r.command_id for r in dev.client.status().rejected}
        assert rejected_here == listed, f"5: a rejection did not reach {dev.name}"


def check_session_guarantees(world: World) -> None:
    """6: cursors never went backwards (monotonic reads were asserted as the run went); read-your-writes:
    every accepted command's row is now in its author's view."""
    for dev in world.devices:
        for before, after in zip(dev.cursor_history, dev.cursor_history[1:]):
            for scope, value in before.items():
                assert after.get(scope, 0) >= value, f"6: {dev.name}'s cursor for {scope} went backwards"
        facts, numbers = dev.client.rows("sync_fact"), dev.client.rows("issued_number")
        for e in client_outbox(world, dev):
            if e["status"] == "accepted" and e["name"] == "fact.record":
                assert e["args"]["fact_id"] in facts, f"6: {dev.name} cannot read its own fact"
            if e["status"] == "accepted" and e["name"] == "number.issue":
                assert e["args"]["number_id"] in numbers, f"6: {dev.name} cannot read its own number"


def check_all(world: World) -> dict:
    rounds = world.quiesce()  # 8: liveness, bounded by QUIET_ROUNDS
    check_no_lost_write_and_exactly_once(world)
    check_numbers(world)
    check_convergence(world)
    check_workflow(world)
    check_session_guarantees(world)
    return {"rounds": rounds, "crashes": sum(d.crashes for d in world.devices), **world.net.counts}
