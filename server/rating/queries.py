"""What the rating API reads: the records with today's card, and the period's ratings for the statistics
(shared/rating computes both, as the workstations do from their synced rows)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.queue.models import QueueRating
from server.rating import store
from server.rating.models import CaseRating
from shared.calendar import load_calendar
from shared.china_time import CHINA_TZ
from shared.rating.deadlines import Cards
from shared.rating.statistics import rating_statistics


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


def statistics(session: Session, hall_id: int, first: dt.date, last: dt.date, today: dt.date) -> dict:
    start, end = _bounds(first, last)
    ratings = list(session.execute(select(QueueRating.id, QueueRating.level).where(
        QueueRating.hall_id == hall_id, QueueRating.at >= start, QueueRating.at < end)))
    ratings += list(session.execute(select(CaseRating.id, CaseRating.level).where(
        CaseRating.hall_id == hall_id, CaseRating.at >= start, CaseRating.at < end)))
    ids = {rid for rid, _ in ratings}
    records = [r for r in store.records(session, hall_id) if r["rating_id"] in ids]
    figures = rating_statistics([(rid, level) for rid, level in ratings], records, today, load_calendar(session))
    return {"from": first.isoformat(), "to": last.isoformat(), **figures}
