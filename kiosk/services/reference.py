"""Reference data of the hall (floors, departments, businesses, quotas, windows) and its published queue
rules, read from the local cache (ORM tables and the synced `queue_hall_rules` row) and turned into shared.queue
value objects the rules understand — through the same codec the server decides with (shared.queue.hall_rules),
never a local default. `refresh()` re-reads them when a sync brought new reference rows, so the next decision
uses what the admin published. Kiosks get no staff list: who serves at a window is that window's badge
(`window_badge`, read by `badge_clerk`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from shared.db.models import Business as BusinessRow
from shared.db.models import Department, Floor, Hall
from shared.db.models import Quota as QuotaRow
from shared.db.models import Window as WindowRow
from shared.queue.config import Business, Quota, Window, WindowService
from shared.queue.hall_rules import RULES_TABLE, HallRules, quota_of, rules_from_row
from shared.sync.tables import confirmed

# The published tables the directory is built from: a sync that changes one of them makes it stale.
SOURCES = ("hall", "floor", "department", "business", "quota", "window", "window_business", RULES_TABLE)
# The badge of the clerk serving at each window (pk: the window id), published when a clerk calls
# there (server.queue.badges): staff id, name and 工号. An evaluator receives its own window's only.
BADGE_TABLE = "window_badge"


@dataclass(frozen=True)
class BusinessEntry:
    """One business as the dispenser lists it."""
    business: Business
    quota: Quota | None
    floor: str
    department: str
    sort_order: int


@dataclass(frozen=True)
class Clerk:
    name: str
    staff_no: str
    user_id: int = 0  # the staff_user id: the evaluator asks for the clerk's photo by it


def badge_clerk(row: Mapping | None, day: dt.date) -> Clerk | None:
    """The clerk on a window's badge row if it is `day`'s (None: nobody has served there that day)."""
    if not row or str(row.get("day") or "") != day.isoformat():
        return None
    return Clerk(str(row.get("display_name") or ""), str(row.get("staff_no") or ""),
                 int(row.get("user_id") or 0))


@dataclass
class HallDirectory:
    hall_id: int
    hall_name: str
    entries: list[BusinessEntry] = field(default_factory=list)
    windows: list[Window] = field(default_factory=list)
    rules: HallRules = field(default_factory=HallRules)
    public_url: str = ""  # the hall's public base URL, synced ("" = none set: the provisioned follow_url)
    engine: Engine | None = field(default=None, repr=False, compare=False)
    version: tuple = field(default=(), repr=False, compare=False)  # what the sources looked like when read

    def refresh(self) -> HallDirectory:
        """Re-read everything in place if a sync changed the published rows it was built from (one indexed
        query when nothing changed); returns self."""
        if self.engine is None:
            return self
        with self.engine.connect() as conn:
            version = source_version(conn)
        if version != self.version:
            fresh = load_directory(self.engine, hall_id=self.hall_id)
            self.hall_name, self.entries, self.windows = fresh.hall_name, fresh.entries, fresh.windows
            self.rules, self.version = fresh.rules, fresh.version
            self.public_url = fresh.public_url
        return self

    def entry(self, business_id: int) -> BusinessEntry | None:
        return next((e for e in self.entries if e.business.id == business_id), None)

    def window(self, window_id: int) -> Window | None:
        return next((w for w in self.windows if w.id == window_id), None)

    def by_floor(self) -> list[tuple[str, list[BusinessEntry]]]:
        groups: dict[str, list[BusinessEntry]] = {}
        for e in sorted(self.entries, key=lambda e: (e.floor, e.sort_order, e.business.prefix)):
            groups.setdefault(e.floor, []).append(e)
        return list(groups.items())


def source_version(conn) -> tuple:  # noqa: ANN001
    """(table, newest seq, rows) of each source table's synced rows: an upsert raises the seq, a delete the
    count. Each is an index range on (tbl, seq)."""
    return tuple(conn.execute(select(confirmed.c.tbl, func.max(confirmed.c.seq), func.count())
                              .where(confirmed.c.tbl.in_(SOURCES)).group_by(confirmed.c.tbl)
                              .order_by(confirmed.c.tbl)).all())


def hall_rules(conn, hall_id: int) -> HallRules:  # noqa: ANN001
    """The hall's published queue rules (the server's defaults until an admin set them: the same codec)."""
    row = conn.scalar(select(confirmed.c.row).where(confirmed.c.tbl == RULES_TABLE,
                                                    confirmed.c.pk == str(hall_id)))
    return rules_from_row(row)


def load_directory(engine: Engine, hall_code: str | None = None, hall_id: int | None = None) -> HallDirectory:
    """The hall named by code or id (the first hall when neither is given, e.g. a fresh demo cache)."""
    with Session(engine) as s:
        version = source_version(s.connection())
        query = select(Hall).order_by(Hall.id)
        if hall_id is not None:
            query = query.where(Hall.id == hall_id)
        elif hall_code:
            query = query.where(Hall.code == hall_code)
        hall = s.scalars(query).first()
        if hall is None:
            raise LookupError(f"hall {hall_code or hall_id or ''} is not in the local cache yet")
        floors = {f.id: f.name for f in s.scalars(select(Floor).where(Floor.hall_id == hall.id))}
        departments = {d.id: d.name for d in s.scalars(select(Department))}
        quotas = {q.business_id: q for q in s.scalars(select(QuotaRow))}
        rules = hall_rules(s.connection(), hall.id)
        directory = HallDirectory(hall.id, hall.name, rules=rules, public_url=hall.public_url or "", engine=engine,
                                  version=version)
        for b in s.scalars(select(BusinessRow).where(BusinessRow.hall_id == hall.id)):
            quota = quotas.get(b.id)
            directory.entries.append(BusinessEntry(
                Business(b.id, b.prefix, b.name, b.active), quota_of(quota, rules) if quota else None,
                floors.get(b.floor_id, ""), departments.get(b.department_id, ""), b.sort_order))
        for w in s.scalars(select(WindowRow).where(WindowRow.hall_id == hall.id).order_by(WindowRow.number)):
            services = tuple(WindowService(sb.business_id, sb.priority) for sb in w.services)
            if services:
                directory.windows.append(Window(w.id, w.number, services, w.name, w.active))
        return directory
