"""Reading, opening and saving rectification records; every change is published to the hall scope."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.rating.models import RatingRectification
from shared.calendar import WorkCalendar
from shared.protocol.rating import RECORD_TABLE
from shared.rating.rectification import open_record
from shared.rating.voiding import voided_ratings


Emit = Callable[[str, str, dict], object]  # publishes (table, pk, row) to the record's hall scope


def save(session: Session, emit: Emit, row: RatingRectification | None, record: dict) -> None:
    if row is None:
        row = RatingRectification(id=record["id"], hall_id=record["hall_id"], rating_id=record["rating_id"],
                                  source=record["source"], department_id=record["department_id"],
                                  opened_on=dt.date.fromisoformat(record["opened_on"]),
                                  status=record["status"], version=record["version"], row=record)
        session.add(row)
    else:
        row.status, row.version, row.row = record["status"], record["version"], record
    emit(RECORD_TABLE, record["id"], record)


def open_for(session: Session, emit: Emit, hall_id: int, *, rating_id: str, source: str, subject_id: str,
             subject: str, department_id: int | None, window_id: int | None, clerk: str, level: str, reason: str,
             rated_at: dt.datetime, workdays: int, calendar: WorkCalendar) -> dict:
    """The record a 差评 opens; its id is the rating's, so a replayed rating finds it."""
    record = open_record(record_id=rating_id, hall_id=hall_id, rating_id=rating_id, source=source,
                         subject_id=subject_id, subject=subject, department_id=department_id, window_id=window_id,
                         clerk=clerk, level=level, reason=reason, rated_at=rated_at, workdays=workdays,
                         calendar=calendar)
    save(session, emit, None, record)
    return record


def locked(session: Session, record_id: str) -> RatingRectification | None:
    # FOR UPDATE serialises actions on one record across concurrent pushes (PostgreSQL).
    stmt = select(RatingRectification).where(RatingRectification.id == record_id).with_for_update()
    return session.scalars(stmt).one_or_none()


def records(session: Session, hall_id: int, first: dt.date | None = None, last: dt.date | None = None) -> list[dict]:
    stmt = select(RatingRectification.row).where(RatingRectification.hall_id == hall_id)
    if first is not None:
        stmt = stmt.where(RatingRectification.opened_on >= first)
    if last is not None:
        stmt = stmt.where(RatingRectification.opened_on <= last)
    return list(session.scalars(stmt.order_by(RatingRectification.opened_on, RatingRectification.id)))


def voided_rating_ids(session: Session, hall_id: int) -> frozenset[str]:
    """Ratings voided on appeal, by shared/rating/voiding's rule (the workstation applies the same rule to its
    synced records): they leave every statistic, their records keep the reason."""
    stmt = select(RatingRectification.rating_id, RatingRectification.status).where(
        RatingRectification.hall_id == hall_id)
    return voided_ratings({"rating_id": rating_id, "status": status} for rating_id, status in session.execute(stmt))
