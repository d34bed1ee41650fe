"""The working-day calendar: look-ups for clients, overrides and published years for admins."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path, Query
from sqlalchemy.orm import Session

from server.api.deps import AdminUser, Clock, DbSession, SessionDevice
from server.approval import cache
from server.store.audit import audit_change
from server.sync.reference import publish_all_halls
from shared.calendar import WorkCalendar
from shared.db.models import CalendarOverride, CalendarYear
from shared.protocol.calendar import DayOut, DayOverride, DueOut, PublishYear

router = APIRouter(prefix="/api/v1", tags=["calendar"])

MAX_WORKDAYS = 400  # far beyond any statutory period; bounds the day-by-day walk


def load_calendar(session: Session) -> WorkCalendar:
    """The calendar as the database holds it now; reused while its rows are unchanged (approval cache)."""
    return cache.calendar(session)


@router.get("/calendar/days/{day}", response_model=DayOut)
def get_day(day: dt.date, session: DbSession):
    calendar = load_calendar(session)
    is_workday = calendar.is_workday(day)  # CalendarNotPublished → 409 with the year
    source = ("override" if session.get(CalendarOverride, day) else
              "published_year" if session.get(CalendarYear, day.year) else "official")
    return DayOut(day=day, is_workday=is_workday, source=source)


@router.get("/calendar/due", response_model=DueOut)
def due_date(start: dt.date, session: DbSession,
             workdays: Annotated[int, Query(ge=0, le=MAX_WORKDAYS)]):
    return DueOut(start=start, workdays=workdays, due=load_calendar(session).add_workdays(start, workdays))


@router.put("/admin/calendar/days/{day}", response_model=DayOut)
def set_day(day: dt.date, body: DayOverride, session: DbSession, admin: AdminUser, clock: Clock,
            device: SessionDevice):
    old = session.get(CalendarOverride, day)
    before = {"is_workday": old.is_workday, "notice": old.notice} if old is not None else None
    row = old or CalendarOverride(day=day, is_workday=body.is_workday)
    row.is_workday, row.notice, row.updated_by, row.updated_at = body.is_workday, body.notice, admin.username, clock()
    session.add(row)
    audit_change(session, admin.username, "calendar.override", day.isoformat(), before,
                 {"is_workday": body.is_workday, "notice": body.notice}, device)
    session.flush()
    publish_all_halls(session, clock())
    return DayOut(day=day, is_workday=body.is_workday, source="override")


@router.delete("/admin/calendar/days/{day}", status_code=204)
def clear_day(day: dt.date, session: DbSession, admin: AdminUser, clock: Clock, device: SessionDevice) -> None:
    row = session.get(CalendarOverride, day)
    if row is not None:
        session.delete(row)
        audit_change(session, admin.username, "calendar.clear", day.isoformat(),
                     {"is_workday": row.is_workday, "notice": row.notice}, None, device)
        session.flush()
        publish_all_halls(session, clock())


@router.put("/admin/calendar/years/{year}", status_code=204)
def publish_year(year: Annotated[int, Path(ge=2000, le=2100)], body: PublishYear, session: DbSession,
                 admin: AdminUser, clock: Clock, device: SessionDevice) -> None:
    old = session.get(CalendarYear, year)
    before = {"notice": old.notice} if old is not None else None
    row = old or CalendarYear(year=year)
    row.notice, row.updated_by, row.updated_at = body.notice, admin.username, clock()
    session.add(row)
    audit_change(session, admin.username, "calendar.publish_year", str(year), before, {"notice": body.notice}, device)
    session.flush()
    publish_all_halls(session, clock())
