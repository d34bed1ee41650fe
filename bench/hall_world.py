"""The simulated hall of `bench.hall_day`: the real server app (in process, SQLite), real SyncClients with
their own SQLite caches talking to it through the app's ASGI entry (bench/hall_asgi.py), a simulated clock,
and a tap on each device's pulls that keeps the rows it has seen in memory (what a client's view-model would
hold)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select, update

from bench.hall_asgi import AsgiCaller
from server.core.settings import Settings
from server.main import create_app
from server.store.database import Database
from server.sync.devices import register_device
from shared.db.cache import open_cache
from shared.db.models import Business, Hall, Quota, StaffRole, StaffUser, Window, WindowBusiness
from shared.demo.loader import load_demo
from shared.passwords import hash_password
from shared.queue.clock import CHINA_TZ
from shared.sync.client import SyncClient
from shared.sync.transport import Reply, TransportError

PASSWORD = "GovHall@2026"
KEYS = {"GOVHALL_PII_KEYS": f"b1:{'4e' * 16}", "GOVHALL_PII_INDEX_KEY": "7d" * 32}


class SimClock:
    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now.astimezone(dt.timezone.utc)

    def ms(self) -> int:
        return int(self.now.timestamp() * 1000)


class Transport:
    """Calls the app in process; refuses while its device is offline; remembers every pulled row."""

    def __init__(self, http: AsgiCaller, name: str, world: World) -> None:
        self.http, self.name, self.world = http, name, world
        self.view: dict[str, dict[str, dict]] = {}
        self.version = 0  # grows with every pull that brought changes

    def request(self, method: str, path: str, *, params=None, json=None, headers=None,  # noqa: ANN001
                timeout=10.0) -> Reply:
        if self.name in self.world.offline:
            raise TransportError(f"{self.name} is offline")
        self.world.requests += 1
        response = self.http.request(method, path, params=params, json=json, headers=headers)
        body = response.json()
        if response.status_code == 200 and path.endswith("/pull") and body["changes"]:
            self.version += 1
            for ch in body["changes"]:
                table = self.view.setdefault(ch["table"], {})
                if ch["op"] == "delete":
                    table.pop(ch["pk"], None)
                else:
                    table[ch["pk"]] = ch["row"]
        return Reply(response.status_code, body)


@dataclass
class Device:
    name: str
    kind: str
    id: str
    client: SyncClient
    transport: Transport
    window_id: int | None = None
    rejected: list = field(default_factory=list)


class World:
    def __init__(self, work: Path, day: dt.date, windows: int, seed: int, demand: dict[str, float]) -> None:
        self._saved_env = {k: os.environ.get(k) for k in KEYS}
        os.environ.update(KEYS)  # the server and the dispensers derive the same blind indexes from these
        self.work, self.day = work, day
        self.clock = SimClock(dt.datetime.combine(day - dt.timedelta(days=1), dt.time(16), CHINA_TZ))
        self.db = Database(f"sqlite:///{work / 'server.sqlite3'}")
        self.db.migrate()
        with self.db.session() as s:
            load_demo(s, password_iterations=1000)
            self.hall_id = s.scalars(select(Hall.id).where(Hall.code == "DG-HALL-1")).one()
        # Staff sign in once for the day; the clock jumps over quiet spells (idle expiry itself: tests/access).
        settings = Settings(migrate_on_start=False, data_dir=work, password_iterations=1000, demo_mode=True,
                            token_idle_minutes=24 * 60)
        self.app = create_app(settings, database=self.db, clock=self.clock)
        self.http = AsgiCaller(self.app)  # the app's own ASGI entry, without TestClient's thread hand-overs
        self.offline: set[str] = set()
        self.actors: list = []  # the window actors, told by `announce`
        self.requests = 0
        self.stale_calls: set[str] = set()  # calls a window made from a view it had not refreshed first
        self._template: Path | None = None
        self.windows = self._add_windows(windows, demand)
        with self.db.session() as s:
            rows = s.scalars(select(Business).where(Business.hall_id == self.hall_id))
            self.businesses = {b.prefix: b.id for b in rows}

    def _add_windows(self, count: int, demand: dict[str, float]) -> dict[int, int]:
        """The demo hall has ten windows. The hall staffs the others by demand, as a manager would: each new
        window serves, at level 1, the business with the fewest level-1 windows for its share of the
        tickets, and backs up the next most short-handed one at level 2."""
        with self.db.session() as s:
            prefixes = {b.id: b.prefix for b in s.scalars(select(Business).where(Business.hall_id == self.hall_id))}
            ids = {p: i for i, p in prefixes.items()}
            existing = {w.number: w for w in s.scalars(select(Window).where(Window.hall_id == self.hall_id))}
            first = {p: 0 for p in demand}
            for w in existing.values():
                for wb in w.services:
                    if wb.priority == 1 and prefixes[wb.business_id] in first:
                        first[prefixes[wb.business_id]] += 1
            floor = existing[1].floor_id
            for number in range(len(existing) + 1, count + 1):
                short = sorted(demand, key=lambda p: first[p] / demand[p])
                window = Window(hall_id=self.hall_id, number=number, name=f"{number}号窗口", floor_id=floor)
                s.add(window)
                s.flush()
                s.add_all([WindowBusiness(window_id=window.id, business_id=ids[short[0]], priority=1),
                           WindowBusiness(window_id=window.id, business_id=ids[short[1]], priority=2)])
                first[short[0]] += 1
            return {w.number: w.id for w in s.scalars(select(Window).where(Window.hall_id == self.hall_id))
                    if w.number <= count}

    def set_quotas(self, limits: dict[str, int | None]) -> None:
        with self.db.session() as s:
            for prefix, daily in limits.items():
                am = None if daily is None else daily * 6 // 10
                s.execute(update(Quota).where(Quota.business_id == self.businesses[prefix])
                          .values(daily_limit=daily, am_limit=am, pm_limit=None if daily is None else daily - am))

    def clerk(self, n: int) -> str:
        username = f"clerk{n:02d}"
        with self.db.session() as s:
            if s.scalars(select(StaffUser).where(StaffUser.username == username)).first() is None:
                user = StaffUser(username=username, display_name=f"窗口人员{n}", staff_no=f"DG9{n:03d}",
                                 hall_id=self.hall_id, password_hash=hash_password(PASSWORD, iterations=1000))
                s.add(user)
                s.flush()
                s.add(StaffRole(user_id=user.id, role="clerk"))
        return username

    def device(self, name: str, kind: str, window_number: int | None = None, staff: str | None = None,
               skew_ms: int = 0) -> Device:
        window_id = self.windows[window_number] if window_number is not None else None
        with self.db.session() as s:
            dev, token = register_device(s, kind=kind, name=name, hall_id=self.hall_id, window_id=window_id)
            device_id = dev.id
        staff_token = self.staff_login(staff, device_id) if staff else None
        transport = Transport(self.http, name, self)
        client = SyncClient(self._cache(name), device_id=device_id, token=token, transport=transport,
                            staff_token=staff_token, wall_ms=lambda: self.clock.ms() + skew_ms, push_batch=200,
                            pull_limit=5000)
        device = Device(name, kind, device_id, client, transport, window_id)
        client.on_rejected(device.rejected.extend)
        return device

    def staff_login(self, username: str, device_id: str) -> str:
        r = self.http.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD,
                                                        "device_id": device_id})
        return r.json()["token"]

    def _cache(self, name: str):  # noqa: ANN202
        """Every cache starts as a copy of one migrated file (migrating 60 caches one by one is slow)."""
        if self._template is None:
            self._template = self.work / "cache-template.sqlite3"
            open_cache(self._template).dispose()
        path = self.work / f"{name}.sqlite3"
        shutil.copyfile(self._template, path)
        return open_cache(path, immediate=True)

    def announce(self, business_id: int) -> None:
        """A ticket for this business reached the server: its windows' event long-polls would fire."""
        for actor in self.actors:
            if actor.config.serves(business_id):
                actor.news = True

    def login(self, username: str) -> dict[str, str]:
        r = self.http.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
        return {"Authorization": f"Bearer {r.json()['token']}"}

    def close(self) -> None:
        self.http.close()
        for name, value in self._saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self.db.dispose()


def new_id() -> str:
    return str(uuid.uuid4())
