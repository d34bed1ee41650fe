"""A simulated hall: the real server app, several real SQLite clients with skewed clocks behind a faulty
network, and client crashes at chosen points. Actions are picked by the caller (a seeded run or Hypothesis);
`quiesce` stops the faults and syncs until quiet; `invariants.check_all` then checks SYNC.md's invariants."""

from __future__ import annotations

import atexit
import random
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from fastapi.testclient import TestClient

from server.core.settings import Settings
from server.main import create_app
from server.store.database import Database
from shared.db.cache import open_cache
from shared.protocol import device_health
from shared.sync.client import SyncClient
from shared.sync.errors import SyncFailed
from tests.sync.harness.network import Faults, SimNetwork
from tests.sync.support import FakeClock, demo_hall, make_database, new_device

CRASH_POINTS = ("enqueue.before_commit", "issue.before_commit", "push.after_response", "push.before_commit",
                "pull.mid_apply", "pull.before_commit", "lease.after_response", "reset.before_commit")
KINDS = ("workstation", "dispenser", "evaluator", "workstation")
SERIES = ("ticket", "A")
QUIET_ROUNDS = 12


class SimulatedCrash(BaseException):
    """The process died here. BaseException, so no `except Exception` in the code under test swallows it."""


@dataclass
class SimDevice:
    name: str
    kind: str
    device_id: str
    token: str
    path: Path
    skew_ms: int
    client: SyncClient | None = None
    armed: str | None = None
    crashes: int = 0
    cursor_history: list[dict[str, int]] = field(default_factory=list)
    rejections_seen: set[str] = field(default_factory=set)
    max_versions: dict[str, int] = field(default_factory=dict)

    def crash_hook(self, point: str) -> None:
        if self.armed == point:
            self.armed = None
            raise SimulatedCrash(point)


_TEMPLATE: dict[str, Path] = {}


def template_db() -> Path:
    """Migrate and load the demo hall once per process; every world starts from a copy of it."""
    if "sqlite" not in _TEMPLATE:
        folder = Path(tempfile.mkdtemp(prefix="govhall-sync-template-"))
        atexit.register(shutil.rmtree, folder, True)
        make_database("sqlite", folder).dispose()
        _TEMPLATE["sqlite"] = folder / "server.sqlite3"
    return _TEMPLATE["sqlite"]


class World:
    def __init__(self, seed: int, tmp: Path, *, clients: int = 4, faults: Faults | None = None,
                 database: Database | None = None) -> None:
        self.seed, self.tmp = seed, tmp
        self.rng = random.Random(seed)
        if database is None:
            shutil.copy(template_db(), tmp / "server.sqlite3")
            database = Database(f"sqlite:///{tmp / 'server.sqlite3'}")
        self.db = database
        self.clock = FakeClock()
        self.app = create_app(Settings(migrate_on_start=False, data_dir=tmp), database=self.db, clock=self.clock)
        self.http = TestClient(self.app)
        self.faults = faults or Faults()
        self.net = SimNetwork(self.http, random.Random(self.rng.getrandbits(64)), self.faults)
        self.hall_id, windows = demo_hall(self.db)
        self.day = self.clock().date().isoformat()
        self.devices: list[SimDevice] = []
        for i in range(clients):
            kind = KINDS[i % len(KINDS)]
            device_id, token = new_device(self.db, kind, self.hall_id, windows[i % len(windows)], name=f"c{i}")
            dev = SimDevice(f"c{i}", kind, device_id, token, tmp / f"client{i}.sqlite3",
                            skew_ms=self.rng.randint(-600_000, 600_000))
            self.devices.append(dev)
            self.open(dev)
            if kind in ("workstation", "dispenser"):
                dev.client.leases.track(SERIES[0], SERIES[1], self.day)

    # -- plumbing ----------------------------------------------------------------------------------------
    def wall_ms(self, dev: SimDevice) -> int:
        return int(self.clock().timestamp() * 1000) + dev.skew_ms

    def open(self, dev: SimDevice) -> None:
        engine = open_cache(dev.path, immediate=True)
        dev.client = SyncClient(engine, device_id=dev.device_id, token=dev.token, transport=self.net.transport(dev.name),
                                wall_ms=lambda d=dev: self.wall_ms(d), crash_hook=dev.crash_hook, push_batch=7,
                                pull_limit=13)
        dev.client.on_rejected(lambda items, d=dev: d.rejections_seen.update(r.command_id for r in items))

    def reopen(self, dev: SimDevice) -> None:
        dev.client.engine.dispose()
        dev.crashes += 1
        self.open(dev)

    def guarded(self, dev: SimDevice, action) -> None:  # noqa: ANN001
        """Run an action; a simulated crash kills the client, which restarts from its SQLite file."""
        try:
            action()
        except SimulatedCrash:
            self.reopen(dev)
        except SyncFailed:
            pass

    # -- actions -----------------------------------------------------------------------------------------
    def sync(self, dev: SimDevice) -> None:
        self.guarded(dev, dev.client.sync_once)
        self.observe(dev)

    def record_fact(self, dev: SimDevice) -> None:
        import uuid
        fid = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        kind, body = self.fact_of(dev)
        queued = []
        self.guarded(dev, lambda: queued.append(dev.client.submit(
            "fact.record", 1, {"fact_id": fid, "kind": kind, "body": body},
            effects=[("sync_fact", fid, {"id": fid, "body": body})])))
        if queued:  # 6, read-your-writes: the author sees its fact at once, before any sync
            assert fid in dev.client.rows("sync_fact"), f"{dev.name} cannot read the fact it just recorded"

    def fact_of(self, dev: SimDevice) -> tuple[str, dict]:
        """A fact the device's kind may record: a workstation any kind (here a note of its own), every other
        kind only its health (server/sync/commands.py FACT_KINDS)."""
        if dev.kind == "workstation":
            return "rating", {"stars": self.rng.randint(1, 5), "by": dev.name}
        kind = self.rng.choice(sorted(device_health.HEALTH_KINDS))
        return kind, {"device": dev.device_id, "part": "printer", "code": "printer_paper_out",
                      "at": "2026-11-02T09:00:00+08:00", "detail": f"{dev.name}:{self.rng.getrandbits(32)}"}

    def create_entity(self, dev: SimDevice) -> None:
        import uuid
        eid = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        row = {"id": eid, "version": 1, "state": "accepted", "data": {}}
        self.guarded(dev, lambda: dev.client.submit("entity.create", 1, {"entity_id": eid, "kind": "case",
                                                                        "state": "accepted", "data": {}},
                                                    effects=[("sync_entity", eid, row)]))

    def update_entity(self, dev: SimDevice) -> None:
        rows = dev.client.rows("sync_entity")
        if not rows:
            return
        eid = self.rng.choice(sorted(rows))
        row = rows[eid]
        state = self.rng.choice(["reviewed", "approved", "closed"])
        new = {**row, "version": row["version"] + 1, "state": state}
        self.guarded(dev, lambda: dev.client.submit(
            "entity.update", 1, {"entity_id": eid, "state": state, "data": {dev.name: row["version"]}},
            base={"expected_version": row["version"], "from_state": row["state"]},
            effects=[("sync_entity", eid, new)]))

    def delete_entity(self, dev: SimDevice) -> None:
        rows = dev.client.rows("sync_entity")
        if not rows:
            return
        eid = self.rng.choice(sorted(rows))
        base = {"expected_version": rows[eid]["version"]}
        self.guarded(dev, lambda: dev.client.submit("entity.delete", 1, {"entity_id": eid}, base=base,
                                                    effects=[("sync_entity", eid, None)]))

    def compact(self) -> None:
        """Retention passes for everything logged so far: old cursors will have to reset from a snapshot."""
        from server.sync.changes import compact
        self.tick(1)
        with self.db.session() as session:
            compact(session, f"hall:{self.hall_id}", before=self.clock())

    def issue_number(self, dev: SimDevice) -> None:
        self.guarded(dev, lambda: dev.client.leases.issue_number(SERIES[0], SERIES[1], self.day, ref=dev.name))

    def release(self, dev: SimDevice) -> None:
        self.guarded(dev, lambda: dev.client.leases.release(SERIES[0], SERIES[1], self.day))

    def crash_during(self, dev: SimDevice, point: str, then) -> None:  # noqa: ANN001
        dev.armed = point
        then(dev)
        dev.armed = None

    def partition(self, dev: SimDevice) -> None:
        self.net.partitioned.add(dev.name)

    def heal(self) -> None:
        self.net.partitioned.clear()

    def tick(self, seconds: float) -> None:
        self.clock.advance(seconds=seconds)

    # -- observation for the session guarantees ------------------------------------------------------------
    def observe(self, dev: SimDevice) -> None:
        dev.cursor_history.append(dev.client.cursors())
        for eid, row in dev.client.confirmed("sync_entity").items():
            assert row["version"] >= dev.max_versions.get(eid, 0), f"{dev.name}: entity {eid} went back in time"
            dev.max_versions[eid] = row["version"]

    def random_step(self) -> None:
        dev = self.rng.choice(self.devices)
        roll = self.rng.random()
        if roll < 0.22:
            self.record_fact(dev)
        elif roll < 0.32 and dev.kind == "workstation":
            self.create_entity(dev)
        elif roll < 0.42 and dev.kind == "workstation":
            self.update_entity(dev)
        elif roll < 0.45 and dev.kind == "workstation":
            self.delete_entity(dev)
        elif roll < 0.6 and dev.kind in ("workstation", "dispenser"):
            self.issue_number(dev)
        elif roll < 0.62 and dev.kind in ("workstation", "dispenser"):
            self.release(dev)
        elif roll < 0.8:
            self.sync(dev)
        elif roll < 0.82:
            self.compact()
        elif roll < 0.9:
            point = self.rng.choice(CRASH_POINTS)
            self.crash_during(dev, point, self.rng.choice([self.sync, self.record_fact, self.issue_number]))
        elif roll < 0.93:
            self.partition(dev)
        elif roll < 0.96:
            self.heal()
        else:
            self.tick(self.rng.uniform(0.1, 30))

    def quiesce(self) -> int:
        """Faults stop; every client syncs until nothing is pending and a full round changed nothing.
        Returns the rounds it took; more than QUIET_ROUNDS is a liveness failure."""
        self.net.faults = Faults.none()
        self.heal()
        self.net.deliver_delayed()
        for rounds in range(1, QUIET_ROUNDS + 1):
            before = [d.client.cursors() for d in self.devices]
            for dev in self.devices:
                dev.client.sync_once()
                self.observe(dev)
            after = [d.client.cursors() for d in self.devices]
            if before == after and all(d.client.status().pending == 0 for d in self.devices):
                return rounds
        raise AssertionError(f"not quiet after {QUIET_ROUNDS} fault-free rounds (seed {self.seed})")

    def close(self) -> None:
        for dev in self.devices:
            dev.client.engine.dispose()
        self.http.close()
        self.db.dispose()
