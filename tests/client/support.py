"""Client test support: a workstation cache with the demo hall loaded, a sync client that cannot reach any
server (offline), queue tickets published into the cache as the server would, and granted number leases."""

from __future__ import annotations

import atexit
import datetime as dt
import shutil
import tempfile
import uuid
from pathlib import Path

from sqlalchemy import update
from sqlalchemy.orm import Session

from client.services.auth import StaffSession
from client.services.context import Services, build_services
from client.services.workstation import Workstation
from shared.db.cache import open_cache
from shared.demo.dongguan_hall import USERS as DEMO_USERS
from shared.demo.loader import load_demo
from shared.demo.published import publish_demo_definitions
from shared.queue.clock import CHINA_TZ, to_ms
from shared.sync import store
from shared.sync.cache_seal import key_file
from shared.sync.tables import leases
from shared.sync.transport import TransportError

FAST_HASH = 1_000
NOW = dt.datetime(2026, 11, 2, 9, 30, tzinfo=CHINA_TZ)  # a Monday, a working day


class Offline:
    def request(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        raise TransportError("network unreachable (test)")


class Clock:
    def __init__(self, now: dt.datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


_TEMPLATES: dict[bool, Path] = {}


def _cache_template(definitions: bool) -> Path:
    """The demo cache, made once per test process (migrating and loading it cost 0.4 s CPU each time)."""
    if definitions not in _TEMPLATES:
        folder = Path(tempfile.mkdtemp(prefix="govhall-cache-template-"))
        atexit.register(shutil.rmtree, folder, True)
        path = folder / "cache.sqlite3"
        engine = open_cache(path)
        with Session(engine) as session:
            load_demo(session, password_iterations=FAST_HASH)
            session.commit()
        if definitions:
            publish_demo_definitions(engine)  # the definitions the server publishes for the demo catalogue
        engine.dispose()  # closing the last connection checkpoints the WAL into the file, so a copy is whole
        _TEMPLATES[definitions] = path
    return _TEMPLATES[definitions]


def make_cache(path: Path, *, definitions: bool = True, immediate: bool = False):  # noqa: ANN201
    """A workstation cache holding the demo hall (`definitions`: and the demo catalogue's published case
    definitions), opened as open_cache(path, immediate=immediate) opens it: a copy of a template, with its key
    file (shared/sync/cache_seal)."""
    template = _cache_template(definitions)
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, path)
    shutil.copy(key_file(template), key_file(path))  # copy keeps the key's 0600
    return open_cache(path, immediate=immediate)


# as in the demo hall: staff number and the roles a login returns (sorted, like the server's)
STAFF_NO = {u[0]: u[2] for u in DEMO_USERS}
DEMO_ROLES = {u[0]: tuple(sorted(u[4])) for u in DEMO_USERS}


def staff(username: str = "clerk", roles: tuple[str, ...] | None = None, name: str = "王晓敏") -> StaffSession:
    """A signed-in demo user with the roles the demo gives them unless `roles` says otherwise."""
    roles = DEMO_ROLES.get(username, ()) if roles is None else roles
    return StaffSession(username, name, STAFF_NO.get(username, "DG0001"), roles, 1, None, None, offline=True)


def services(tmp: Path, session: StaffSession, clock: Clock, *, window: int | None = 1, engine=None,
             transport=None) -> Services:  # noqa: ANN001
    engine = engine or make_cache(tmp / "cache.sqlite3")
    ws = Workstation(tmp, window_number=window, device_id="dev-test-1", device_token="t")
    return build_services(ws, session, engine, transport=transport or Offline(), clock=clock)


def publish_ticket(engine, hall_id: int, business_id: int, display: str, issued: dt.datetime, *,  # noqa: ANN001
                   priority_class: int = 3, seq: int = 1) -> str:
    """A waiting ticket as the server publishes it (table queue_ticket)."""
    ticket_id = str(uuid.uuid4())
    stamp = [to_ms(issued), 0, "kiosk-1", seq]
    row = {"id": ticket_id, "hall_id": hall_id, "business_id": business_id, "display": display,
           "day": issued.astimezone(CHINA_TZ).date().isoformat(), "channel": "dispenser",
           "priority_class": priority_class, "green_reason": "elderly" if priority_class == 2 else None,
           "issued_at": stamp, "queue_key": stamp, "state": "waiting", "recalls": 0, "transfers": 0,
           "periods": [{"kind": "waiting", "start": issued.isoformat(), "end": None, "window_id": None}],
           "printed": True, "flags": []}
    with engine.begin() as conn:
        store.apply_changes(conn, [{"table": "queue_ticket", "pk": ticket_id, "op": "upsert",
                                    "scope": f"hall:{hall_id}", "seq": seq, "row": row}])
    return ticket_id


def publish_row(engine, table: str, pk: str, row: dict, seq: int = 1000) -> None:  # noqa: ANN001
    with engine.begin() as conn:
        store.apply_changes(conn, [{"table": table, "pk": pk, "op": "upsert", "scope": "hall:1", "seq": seq,
                                    "row": row}])


def grant_case_numbers(engine, day: dt.date, first: int = 1, last: int = 10) -> None:  # noqa: ANN001
    """A live block of case numbers, as if granted at the last sync before going offline."""
    with engine.begin() as conn:
        conn.execute(update(leases).where(leases.c.series == "case").values(state="returned"))
        conn.execute(leases.insert().values(request_id=str(uuid.uuid4()), series="case", prefix="SL",
                                            day=f"{day.year}-01-01", kind="live", size=last - first + 1,
                                            state="granted", block_id=77, first=first, last=last, next=first))
