"""Reference data of the hall (floors, departments, businesses, quotas, windows, staff) read once from the
ORM tables of the local cache and turned into shared.queue value objects the rules understand."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from shared.db.models import Business as BusinessRow
from shared.db.models import Department, Floor, Hall, StaffUser
from shared.db.models import Quota as QuotaRow
from shared.db.models import Window as WindowRow
from shared.queue.config import Business, Quota, Window, WindowService

# Halls that keep issuing over lunch are the norm in Guangdong (中午不打烊), so lunch only splits AM/PM.
LUNCH_CLOSED = False


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
    username: str
    name: str
    staff_no: str


@dataclass
class HallDirectory:
    hall_id: int
    hall_name: str
    entries: list[BusinessEntry] = field(default_factory=list)
    windows: list[Window] = field(default_factory=list)
    clerks: dict[str, Clerk] = field(default_factory=dict)

    def entry(self, business_id: int) -> BusinessEntry | None:
        return next((e for e in self.entries if e.business.id == business_id), None)

    def window(self, window_id: int) -> Window | None:
        return next((w for w in self.windows if w.id == window_id), None)

    def by_floor(self) -> list[tuple[str, list[BusinessEntry]]]:
        groups: dict[str, list[BusinessEntry]] = {}
        for e in sorted(self.entries, key=lambda e: (e.floor, e.sort_order, e.business.prefix)):
            groups.setdefault(e.floor, []).append(e)
        return list(groups.items())


def _quota(row: QuotaRow | None) -> Quota | None:
    if row is None:
        return None
    return Quota(business_id=row.business_id, daily_limit=row.daily_limit, am_limit=row.am_limit,
                 pm_limit=row.pm_limit, opens_at=row.opens_at, closes_at=row.closes_at,
                 lunch_start=row.lunch_start, lunch_end=row.lunch_end, lunch_closed=LUNCH_CLOSED,
                 paused=row.paused)


def load_directory(engine: Engine, hall_code: str | None = None, hall_id: int | None = None) -> HallDirectory:
    """The hall named by code or id (the first hall when neither is given, e.g. a fresh demo cache)."""
    with Session(engine) as s:
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
        directory = HallDirectory(hall.id, hall.name)
        for b in s.scalars(select(BusinessRow).where(BusinessRow.hall_id == hall.id)):
            directory.entries.append(BusinessEntry(
                Business(b.id, b.prefix, b.name, b.active), _quota(quotas.get(b.id)),
                floors.get(b.floor_id, ""), departments.get(b.department_id, ""), b.sort_order))
        for w in s.scalars(select(WindowRow).where(WindowRow.hall_id == hall.id).order_by(WindowRow.number)):
            services = tuple(WindowService(sb.business_id, sb.priority) for sb in w.services)
            if services:
                directory.windows.append(Window(w.id, w.number, services, w.name, w.active))
        for u in s.scalars(select(StaffUser).where(StaffUser.active.is_(True))):
            directory.clerks[u.username] = Clerk(u.username, u.display_name, u.staff_no)
        return directory
