"""Reference data the workstation needs, read from the local cache's ORM tables (filled by sync, or by the demo
loader in tests): the hall, its windows as shared.queue Windows, businesses, departments, staff — and the
working-day calendar, kept current with what the server publishes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, selectinload

from shared.calendar import Pause, WorkCalendar, load_calendar
from shared.db.models import Business, Department, Hall, StaffUser, Window as WindowRow
from shared.queue.config import Window, WindowService
from shared.sync.client import SyncClient


@dataclass(frozen=True)
class Reference:
    hall_id: int | None = None
    hall_name: str = ""
    centre_name: str = ""
    hall_address: str = ""
    centre_code: str = ""   # the codes pick the office's notice settings (review authority, court)
    hall_code: str = ""
    windows: dict[int, Window] = field(default_factory=dict)          # by window id
    businesses: dict[int, tuple[str, str]] = field(default_factory=dict)  # id → (prefix, name)
    departments: dict[int, str] = field(default_factory=dict)
    staff: dict[str, str] = field(default_factory=dict)                # username → display name

    def window_by_number(self, number: int) -> Window | None:
        return next((w for w in self.windows.values() if w.number == number), None)

    def business_name(self, business_id: int) -> str:
        return self.businesses.get(business_id, ("", f"业务{business_id}"))[1]

    def staff_name(self, username: str | None) -> str:
        return self.staff.get(username or "", username or "")


def load_reference(engine: Engine) -> Reference:
    with Session(engine) as session:
        hall = session.scalars(select(Hall).order_by(Hall.id)).first()
        if hall is None:
            return Reference()
        windows = {}
        for w in session.scalars(select(WindowRow).where(WindowRow.hall_id == hall.id)
                                 .options(selectinload(WindowRow.services))):
            services = tuple(WindowService(s.business_id, s.priority) for s in w.services)
            if services:
                windows[w.id] = Window(w.id, w.number, services, w.name, w.active)
        businesses = {b.id: (b.prefix, b.name) for b in session.scalars(select(Business)
                                                                         .where(Business.hall_id == hall.id))}
        departments = {d.id: d.name for d in session.scalars(select(Department))}
        staff = {u.username: u.display_name for u in session.scalars(select(StaffUser))}
        return Reference(hall.id, hall.name, hall.centre.name, hall.address, hall.centre.code, hall.code, windows,
                         businesses, departments, staff)


class PublishedCalendar(WorkCalendar):
    """The working-day calendar the server counts with: the admin's overrides and published years as synced
    into the cache (shared.calendar.load_calendar on the cache's tables), re-read after every pull that
    brought rows. `generation` changes whenever the content did, so lists computed from it know to redo."""

    def __init__(self, engine: Engine, sync: SyncClient | None = None) -> None:
        super().__init__()  # a WorkCalendar to its callers; its own day tables stay unused (see _current)
        self._engine = engine
        self.generation = 0
        self._current = self._read()
        if sync is not None:
            sync.on_pulled(lambda _changes: self.reload())

    def _read(self) -> WorkCalendar:
        with Session(self._engine) as session:
            return load_calendar(session)

    def reload(self) -> bool:
        """True if the calendar changed."""
        found = self._read()
        if found is self._current:
            return False
        self._current = found
        self.generation += 1
        return True

    # Every question goes to the calendar as last read (one attribute read; the swap above is atomic).
    def covers(self, day: dt.date) -> bool:
        return self._current.covers(day)

    def is_workday(self, day: dt.date) -> bool:
        return self._current.is_workday(day)

    def knows_year(self, year: int) -> bool:
        return self._current.knows_year(year)

    def add_workdays(self, start: dt.date, n: int, pauses: Iterable[Pause] = ()) -> dt.date:
        return self._current.add_workdays(start, n, pauses)

    def workdays_between(self, start: dt.date, end: dt.date, pauses: Iterable[Pause] = ()) -> int:
        return self._current.workdays_between(start, end, pauses)
