"""The background loop: a write on one device reaches another device through the events long-poll (its
periodic timer is far too slow to explain it), and a server that is down makes the loop back off, not spin."""

from __future__ import annotations

import shutil
import time
import uuid

import pytest
from fastapi.testclient import TestClient

from server.core.settings import Settings
from server.main import create_app
from server.store.database import Database
from shared.db.cache import open_cache
from shared.sync.client import SyncClient
from shared.sync.loop import SyncLoop
from shared.sync.transport import Reply, TransportError
from tests.clock import WORKING_DAY_10, TickingClock
from tests.sync.harness.world import template_db
from tests.sync.support import demo_hall, new_device


class AppTransport:
    """The real app in process, shared by threads; `down` makes every request fail like a dead network."""

    def __init__(self, http: TestClient) -> None:
        self.http, self.down, self.calls = http, False, 0

    def request(self, method, path, *, params=None, json=None, headers=None, timeout=10.0):  # noqa: ANN001, ANN201
        self.calls += 1
        if self.down:
            raise TransportError("connection refused")
        r = self.http.request(method, path, params=params, json=json, headers=headers)
        return Reply(r.status_code, r.json())


def wait_for(check, seconds: float) -> bool:  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.02)
    return False


@pytest.fixture
def served(tmp_path):  # noqa: ANN001, ANN201
    """(the demo database, its hall, a transport to the real app in process)."""
    shutil.copy(template_db(), tmp_path / "server.sqlite3")
    db = Database(f"sqlite:///{tmp_path / 'server.sqlite3'}")
    hall_id, _ = demo_hall(db)
    app = create_app(Settings(migrate_on_start=False, data_dir=tmp_path), database=db, clock=TickingClock(WORKING_DAY_10))
    with TestClient(app) as http:
        yield db, hall_id, AppTransport(http)
    db.dispose()


def test_an_event_brings_another_devices_write_and_a_dead_server_means_backoff(served, tmp_path) -> None:  # noqa: ANN001
    db, hall_id, transport = served
    clients, loops = [], []
    for i, kind in enumerate(("workstation", "display")):
        device_id, token = new_device(db, kind, hall_id)
        clients.append(SyncClient(open_cache(tmp_path / f"c{i}.sqlite3", immediate=True), device_id=device_id,
                                  token=token, transport=transport))
        loops.append(SyncLoop(clients[-1], interval=30, poll_timeout=1))
    for loop in loops:
        loop.start()
    try:
        assert wait_for(lambda: all(c.status().last_success_at for c in clients), 10)
        fid = str(uuid.uuid4())
        clients[0].submit("fact.record", 1, {"fact_id": fid, "kind": "rating", "body": {"stars": 4}})
        loops[0].wake()
        assert wait_for(lambda: fid in clients[1].confirmed("sync_fact"), 5), "the event did not arrive"
        assert clients[0].status().pending == 0 and clients[0].status().online
        transport.down = True
        clients[0].submit("fact.record", 1, {"fact_id": str(uuid.uuid4()), "kind": "rating", "body": {}})
        loops[0].wake()
        assert wait_for(lambda: loops[0].failures >= 2, 5)
        status = clients[0].status()
        assert not status.online and status.pending == 1 and status.last_error.startswith("network")
        calls = transport.calls
        time.sleep(1.0)
        assert transport.calls - calls < 40, "the loop spins instead of backing off"
        transport.down = False
        loops[0].wake()
        assert wait_for(lambda: clients[0].status().pending == 0, 60)
    finally:
        for loop in loops:
            loop.stop()
        for c in clients:
            c.engine.dispose()


def test_while_events_answer_the_timer_waits_longer_and_a_failed_poll_brings_a_cycle_at_once(served, tmp_path) -> None:  # noqa: ANN001
    """2,000 devices syncing every 3 s while nothing happens would ask for 667 pulls a second: while the events
    long-poll answers, every change wakes the loop anyway, so the timer runs at `idle_interval`. A failed poll
    brings the short interval back, and a cycle at once: the device learns at once that it is offline."""
    db, hall_id, transport = served
    device_id, token = new_device(db, "display", hall_id)
    client = SyncClient(open_cache(tmp_path / "c.sqlite3", immediate=True), device_id=device_id, token=token,
                        transport=transport)
    loop = SyncLoop(client, interval=0.1, idle_interval=60, poll_timeout=0.3)
    loop.start()
    try:
        assert wait_for(lambda: loop.events_live and client.status().last_success_at, 10)
        cycles = loop.cycles
        time.sleep(1.5)  # 15 intervals, and several long-polls answered
        assert loop.cycles - cycles <= 1, "the loop still syncs every interval while events answer"
        transport.down = True
        assert wait_for(lambda: not client.status().online, 2), "no cycle came when the long-poll failed"
        assert not loop.events_live
    finally:
        loop.stop()
        client.engine.dispose()
