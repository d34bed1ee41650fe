"""What the rating API reads: the records with today's card, and the period's ratings for the statistics
(shared/rating computes both, as the workstations do from their synced rows)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.approval.models import ApprovalCase
from server.queue.models import QueueRating
from server.rating import store
from server.rating.models import CaseRating
from shared.calendar import load_calendar
from shared.china_time import CHINA_TZ
from shared.rating.deadlines import Cards
from shared.db.models import Business, ServiceItem
from shared.rating.statistics import Rated, rating_statistics, rating_statistics_by


def _carded(record: dict, card_of: Cards) -> dict:
    c = card_of(record)
    return {**record, "awaiting": c.stage, "due": c.due.isoformat() if c.due else None, "remaining": c.remaining,
            "card": c.card.value, "provisional_card": c.provisional}


def listed(session: Session, hall_id: int, today: dt.date, status: str | None) -> list[dict]:
    calendar = load_calendar(session)
    rows = [r for r in store.records(session, hall_id) if status is None or r["status"] == status]
    card_of = Cards(today, calendar)
    return [_carded(r, card_of) for r in rows]


def _bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(first, dt.time(), CHINA_TZ)
    return start, dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), CHINA_TZ)


def rated(session: Session, hall_id: int, first: dt.date, last: dt.date) -> list[Rated]:
    """The period's ratings, ticket and case alike, each with its business (or item) and department."""
    start, end = _bounds(first, last)
    tickets = session.execute(
        select(QueueRating.id, QueueRating.level, QueueRating.business_id, Business.department_id)
        .join(Business, Business.id == QueueRating.business_id, isouter=True)
        .where(QueueRating.hall_id == hall_id, QueueRating.at >= start, QueueRating.at < end))
    cases = session.execute(
        select(CaseRating.id, CaseRating.level, ApprovalCase.item_code, ServiceItem.department_id)
        .join(ApprovalCase, ApprovalCase.id == CaseRating.case_id)
        .join(ServiceItem, ServiceItem.code == ApprovalCase.item_code, isouter=True)
        .where(CaseRating.hall_id == hall_id, CaseRating.at >= start, CaseRating.at < end))
    return ([Rated(rid, level, "ticket", str(business), department) for rid, level, business, department in tickets]
            + [Rated(rid, level, "case", item, department) for rid, level, item, department in cases])


def statistics(session: Session, hall_id: int, first: dt.date, last: dt.date, today: dt.date,
               by: str | None = None) -> dict:
    ratings = rated(session, hall_id, first, last)
    ids = {r.rating_id for r in ratings}
    records = [r for r in store.records(session, hall_id) if r["rating_id"] in ids]
    calendar = load_calendar(session)
    figures = rating_statistics([(r.rating_id, r.level) for r in ratings], records, today, calendar)
    out = {"from": first.isoformat(), "to": last.isoformat(), **figures}
    if by is not None:
        out["by"], out["groups"] = by, rating_statistics_by(by, ratings, records, today, calendar)
    return out
