"""Client pieces on their own: the hybrid clock, backoff, and the client against the in-process server
(reset keeps unsent commands, rejected commands roll back and are reported, leases fall back with an alarm)."""

from __future__ import annotations

import random
import uuid

import pytest
from sqlalchemy import select

from server.sync.changes import compact
from shared.sync.hlc import HybridClock, decode
from shared.sync.loop import backoff_delay
from tests.sync.harness.invariants import check_all, check_convergence
from tests.sync.harness.network import Faults
from tests.sync.harness.world import SERIES, World
from tests.sync.support import demo_hall


def test_hlc_never_goes_back_when_the_wall_clock_does() -> None:
    wall = [10_000]
    clock = HybridClock("n1", wall_ms=lambda: wall[0])
    a = clock.now()
    wall[0] = 5_000
    b, c = clock.now(), clock.now()
    assert a < b < c and decode(c)[0] == 10_000


def test_hlc_takes_the_server_offset() -> None:
    clock = HybridClock("n1", wall_ms=lambda: 1_000)
    clock.observe_server(server_ms=61_000, sent_ms=900, received_ms=1_100)
    assert clock.offset_ms == 60_000 and clock.physical_ms() == 61_000


def test_backoff_grows_and_is_capped() -> None:
    rng = random.Random(1)
    assert backoff_delay(0, rng) == 0
    assert all(backoff_delay(3, rng) <= 2.0 for _ in range(50))
    assert max(backoff_delay(30, rng, cap=60) for _ in range(200)) > 30
    assert all(backoff_delay(30, rng, cap=60) <= 60 for _ in range(200))


@pytest.fixture
def world(tmp_path):  # noqa: ANN001
    w = World(7, tmp_path, faults=Faults.none())
    yield w
    w.close()


def test_reset_rebuilds_confirmed_rows_and_keeps_unsent_commands(world: World) -> None:
    ws, other = world.devices[0], world.devices[3]
    world.create_entity(other)
    for _ in range(3):
        world.sync(other)
        world.update_entity(other)
    world.sync(other)
    world.sync(ws)
    world.delete_entity(other)
    world.update_entity(other)  # the other entity rows
    world.sync(other)
    world.compact()
    world.record_fact(ws)  # unsent when the reset happens
    resets = []
    real_reset = ws.client.reset
    ws.client.reset = lambda scope: (resets.append(scope), real_reset(scope))  # type: ignore[method-assign]
    ws.client.pull()
    assert resets == [f"hall:{world.hall_id}"]
    assert ws.client.status().pending == 1
    ws.client.sync_once()
    assert ws.client.status().pending == 0
    check_all(world)


def test_the_status_reports_the_clock_skew_measured_against_the_server(world: World) -> None:
    dev = world.devices[2]
    dev.client.sync_once()
    assert abs(dev.client.status().clock_offset_ms + dev.skew_ms) <= 1


def test_a_stale_update_is_rolled_back_and_reported(world: World) -> None:
    a, b = world.devices[0], world.devices[3]
    world.create_entity(a)
    world.sync(a)
    world.sync(b)
    world.update_entity(a)
    world.update_entity(b)
    world.sync(a)
    seen = []
    b.client.on_rejected(seen.extend)
    b.client.sync_once()
    assert [r.code for r in seen] == ["stale_base"]
    assert [r.code for r in b.client.status().rejected] == ["stale_base"]
    assert b.client.rows("sync_entity") == b.client.confirmed("sync_entity")  # optimistic row rolled back
    b.client.acknowledge(seen[0].command_id)
    assert b.client.status().rejected == []


def test_numbers_fall_back_with_an_alarm_when_no_lease_is_left(world: World) -> None:
    dispenser = world.devices[1]
    for _ in range(3):  # offline from the start: no lease at all
        world.issue_number(dispenser)
    assert any(a.startswith("fallback_number") for a in dispenser.client.status().alarms)
    numbers = sorted(r["display"] for r in dispenser.client.rows("issued_number").values())
    assert all(n.startswith(f"{SERIES[1]}-") for n in numbers) and len(set(numbers)) == 3
    dispenser.client.sync_once()
    world.issue_number(dispenser)
    assert any(r["number"] == 1 for r in dispenser.client.rows("issued_number").values())
    check_all(world)


def test_the_invariant_checks_notice_a_divergent_client(world: World) -> None:
    dev = world.devices[2]
    world.record_fact(dev)
    dev.client.sync_once()
    with dev.client.engine.begin() as conn:
        from shared.sync.tables import confirmed
        conn.execute(confirmed.update().values(row={"tampered": True}))
    with pytest.raises(AssertionError, match="4:"):
        check_convergence(world)


def test_the_invariant_checks_notice_a_lost_fact(world: World) -> None:
    from server.sync.models import SyncFact
    dev = world.devices[2]
    world.record_fact(dev)
    dev.client.sync_once()
    with world.db.session() as s:
        s.delete(s.scalars(select(SyncFact)).first())
    with pytest.raises(AssertionError, match="1:"):
        check_all(world)


def test_compaction_keeps_the_latest_entry_per_key(world: World) -> None:
    ws = world.devices[0]
    world.create_entity(ws)
    for _ in range(4):
        ws.client.sync_once()
        world.update_entity(ws)
    ws.client.sync_once()
    with world.db.session() as s:
        assert compact(s, f"hall:{world.hall_id}", before=world.clock()) == 0  # nothing old yet
    world.tick(5)
    with world.db.session() as s:
        assert compact(s, f"hall:{world.hall_id}", before=world.clock()) == 4
    assert uuid.UUID(next(iter(ws.client.confirmed("sync_entity"))))


def test_a_reinstalled_device_continues_after_the_servers_last_seq(world: World) -> None:
    dev = world.devices[2]
    for _ in range(3):
        world.record_fact(dev)
    dev.client.sync_once()
    dev.client.engine.dispose()
    dev.path.unlink()  # the cache is lost; the device keeps its registration
    world.open(dev)
    world.record_fact(dev)  # queued before the first contact, as seq 1
    dev.client.sync_once()
    status = dev.client.status()
    assert status.pending == 0 and status.rejected == []
    assert len(dev.client.confirmed("sync_fact")) == 4


def test_a_device_moved_to_another_window_forgets_the_old_windows_rows(world: World) -> None:
    from server.sync.changes import publish
    from shared.db.models import Device
    dev = world.devices[0]
    dev.client.sync_once()
    old_window = next(s for s in dev.client.cursors() if s.startswith("window:"))
    with world.db.session() as s:  # something published to the old window's scope
        publish(s, world.hall_id, old_window, "note", "n1", {"id": "n1"}, now=world.clock())
    dev.client.sync_once()
    assert "n1" in dev.client.confirmed("note")
    _, windows = demo_hall(world.db)
    with world.db.session() as s:
        device = s.get(Device, dev.device_id)
        device.window_id = next(w for w in windows if f"window:{w}" != old_window)
    dev.client.sync_once()
    assert old_window not in dev.client.cursors() and dev.client.confirmed("note") == {}
    assert dev.client.status().online


def test_a_refused_lease_does_not_hold_back_the_outbox(world: World) -> None:
    evaluator = world.devices[2]  # evaluators issue no numbers: the server refuses them leases
    evaluator.client.leases.track(SERIES[0], SERIES[1], world.day)
    world.record_fact(evaluator)
    evaluator.client.sync_once()
    status = evaluator.client.status()
    assert status.pending == 0 and any(a.startswith("lease_error:") for a in status.alarms)


def test_a_queued_command_notifies_on_its_commit_only(tmp_path) -> None:  # noqa: ANN001
    """SyncClient.on_queued (the loop's wake) fires once per committed command — on the caller's commit when
    the command joins the caller's transaction, never for a rolled-back one."""
    from shared.db.cache import open_cache
    from shared.sync.client import SyncClient

    engine = open_cache(tmp_path / "c.sqlite3", immediate=True)
    client = SyncClient(engine, device_id="dev-1", token="t", transport=None)
    seen: list[str] = []
    client.on_queued(lambda: seen.append("queued"))

    def fact() -> dict:
        return {"fact_id": str(uuid.uuid4()), "kind": "k", "body": {}}
    client.submit("fact.record", 1, fact())
    assert seen == ["queued"]
    with engine.begin() as conn:
        client.submit("fact.record", 1, fact(), conn=conn)
        client.submit("fact.record", 1, fact(), conn=conn)
        assert seen == ["queued"]  # not yet: the caller has not committed
    assert seen == ["queued"] * 3
    with pytest.raises(RuntimeError):
        with engine.begin() as conn:
            client.submit("fact.record", 1, fact(), conn=conn)
            raise RuntimeError("the caller's transaction fails")
    assert seen == ["queued"] * 3 and client.status().pending == 3
    engine.dispose()
