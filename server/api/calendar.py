"""The working-day calendar: look-ups for clients, overrides and published years for admins."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import chinese_calendar
from fastapi import APIRouter, Path, Query, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from server.api.change_audit import audit_change
from server.api.deps import AdminUser, Clock, DbSession
from server.approval import cache
from server.sync.reference import publish_all_halls
from shared.calendar import WorkCalendar
from shared.calendar_import import parse_calendar_text
from shared.db.models import CalendarOverride, CalendarYear
from shared.protocol.calendar import (CalendarImport, DayOut, DayOverride, DueOut, PublishYear, YearDay,
                                      YearOut)

router = APIRouter(prefix="/api/v1", tags=["calendar"])

MAX_WORKDAYS = 400  # far beyond any statutory period; bounds the day-by-day walk
Year = Annotated[int, Path(ge=2000, le=2100)]


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
def set_day(day: dt.date, body: DayOverride, request: Request, session: DbSession, admin: AdminUser,
            clock: Clock) -> DayOut:
    row = session.get(CalendarOverride, day)
    before = _day_values(row)
    row = row or CalendarOverride(day=day, is_workday=body.is_workday)
    row.is_workday, row.notice, row.updated_by, row.updated_at = body.is_workday, body.notice, admin.username, clock()
    session.add(row)
    audit_change(session, request, admin, action="calendar.override", target=day.isoformat(), before=before,
                 after=_day_values(row), is_workday=body.is_workday, notice=body.notice)
    session.flush()
    publish_all_halls(session, clock())
    return DayOut(day=day, is_workday=body.is_workday, source="override")


@router.delete("/admin/calendar/days/{day}", status_code=204)
def clear_day(day: dt.date, request: Request, session: DbSession, admin: AdminUser, clock: Clock) -> None:
    row = session.get(CalendarOverride, day)
    if row is not None:
        before = _day_values(row)
        session.delete(row)
        audit_change(session, request, admin, action="calendar.clear", target=day.isoformat(), before=before,
                     after=None)
        session.flush()
        publish_all_halls(session, clock())


def _day_values(row: CalendarOverride | None) -> dict | None:
    return None if row is None else {"is_workday": row.is_workday, "notice": row.notice}


@router.put("/admin/calendar/years/{year}", status_code=204)
def publish_year(year: Year, body: PublishYear, request: Request, session: DbSession,
                 admin: AdminUser, clock: Clock) -> None:
    row = session.get(CalendarYear, year)
    before = None if row is None else {"notice": row.notice}
    row = row or CalendarYear(year=year)
    row.notice, row.updated_by, row.updated_at = body.notice, admin.username, clock()
    session.add(row)
    audit_change(session, request, admin, action="calendar.publish_year", target=str(year), before=before,
                 after={"notice": body.notice}, notice=body.notice)
    session.flush()
    publish_all_halls(session, clock())


@router.get("/calendar/years/{year}", response_model=YearOut)
def get_year(year: Year, session: DbSession) -> YearOut:
    """A year as the calendar holds it: its status and every day that is not what the weekday rule says."""
    return _year_out(session, year)


@router.post("/admin/calendar/years/{year}/import", response_model=YearOut)
def import_year(year: Year, body: CalendarImport, request: Request, session: DbSession, admin: AdminUser,
                clock: Clock) -> YearOut:
    """Enter a year from the State Council's list (CSV or the notice's text): all of it or nothing."""
    days = parse_calendar_text(body.text, year)  # CalendarImportError → 422 with the line
    before = _year_out(session, year)
    now = clock()
    for entry in days:
        row = session.get(CalendarOverride, entry.day) or CalendarOverride(day=entry.day, is_workday=entry.is_workday)
        row.is_workday, row.updated_by, row.updated_at = entry.is_workday, admin.username, now
        row.notice = f"{body.notice} {entry.name}".strip()[:200]
        session.add(row)
    if body.publish:
        marker = session.get(CalendarYear, year) or CalendarYear(year=year)
        marker.notice, marker.updated_by, marker.updated_at = body.notice, admin.username, now
        session.add(marker)
    session.flush()
    after = _year_out(session, year)
    audit_change(session, request, admin, action="calendar.import", target=str(year),
                 before=_summary(before), after=_summary(after), notice=body.notice, days=len(days))
    session.flush()
    publish_all_halls(session, now)
    return after


def _year_out(session: Session, year: int) -> YearOut:
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    overrides = {row.day: row for row in session.scalars(
        select(CalendarOverride).where(CalendarOverride.day >= first, CalendarOverride.day <= last))}
    marker = session.get(CalendarYear, year)
    official = year in WorkCalendar().package_years
    status = "published" if marker is not None else "official" if official else "missing"
    days: dict[dt.date, YearDay] = {}
    if official:
        for day in (*chinese_calendar.holidays, *chinese_calendar.workdays):
            if day.year == year and chinese_calendar.is_workday(day) != (day.weekday() < 5):
                name = chinese_calendar.get_holiday_detail(day)[1]
                days[day] = YearDay(day=day, is_workday=chinese_calendar.is_workday(day), source="official",
                                    notice=_holiday_name(name))
    for day, row in overrides.items():
        days[day] = YearDay(day=day, is_workday=row.is_workday, notice=row.notice, source="override")
    return YearOut(year=year, status=status, notice=marker.notice if marker else "",
                   days=[days[d] for d in sorted(days)])


HOLIDAY_NAMES = {"New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节",
                 "Labour Day": "劳动节", "Dragon Boat Festival": "端午节", "National Day": "国庆节",
                 "Mid-autumn Festival": "中秋节", "Anti-Fascist 70th Day": "抗战胜利70周年纪念日"}


def _holiday_name(name: object) -> str:
    return HOLIDAY_NAMES.get(str(name), str(name)) if name else ""


def _summary(year: YearOut) -> dict:
    """What an audit row keeps of a year: its status and its overrides (day → 班/休)."""
    return {"status": year.status, "notice": year.notice,
            "overrides": {d.day.isoformat(): "班" if d.is_workday else "休" for d in year.days if d.source == "override"}}
