"""Queue statistics for a hall over a range of days, grouped by day, business, window or clerk: tickets by
channel and outcome, waiting and service times (mean, p50, p90), no-shows, quota use and ratings — added up
by shared/queue/projection (as the workstation's statistics screen is) from the stored tickets and ratings, in
hall-local time."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.queue import stats_store, store
from server.queue.config import load_hall_config
from server.queue.models import QueueRating, QueueTicket
from server.rating.store import voided_rating_ids
from shared.queue import projection
from shared.queue import statistics as stats
from shared.queue.clock import CHINA_TZ
from shared.queue.closing import CLOSED_UNSERVED
from shared.queue.ratings import Rating, RatingLevel, Visit


def load(session: Session, hall_id: int, first: dt.date, last: dt.date,
         days: list[dt.date] | None = None) -> tuple[list, list[Rating], frozenset]:
    """The days' tickets (from `first` to `last`, or only `days`), their ratings (less those voided on appeal)
    and the ids of the tickets closing time ended unserved."""
    where = [QueueTicket.day.in_(days)] if days is not None else [QueueTicket.day >= first, QueueTicket.day <= last]
    rows = session.scalars(select(QueueTicket).where(QueueTicket.hall_id == hall_id, *where)).all()
    tickets = [store.ticket_of(r, CHINA_TZ) for r in rows]
    numbers = {r.id: r.display for r in rows}
    unserved = frozenset(r.id for r in rows if CLOSED_UNSERVED in r.flags)
    ratings = []
    voided = voided_rating_ids(session, hall_id)
    for r in session.scalars(select(QueueRating).where(QueueRating.hall_id == hall_id,
                                                       QueueRating.ticket_id.in_(list(numbers)))):
        if r.id in voided:
            continue
        visit = Visit(r.ticket_id, numbers[r.ticket_id], r.business_id, r.window_id, r.clerk,
                      r.finished_at.astimezone(CHINA_TZ))
        ratings.append(Rating(visit, RatingLevel(r.level) if r.level else None, r.at.astimezone(CHINA_TZ), r.reason))
    return tickets, ratings, unserved


def hall_statistics(session: Session, hall_id: int, first: dt.date, last: dt.date, by: stats.GroupBy, *,
                    store: bool = True) -> dict:
    """The figures added up from the per-day shared/queue/projection facts: the workstation adds up the same
    facts, kept per day in its cache, so both answer the same percentiles. `store`: the stored days
    (server/queue/stats_store, the days a change touched computed again first; the caller commits); without
    it (a read-only replica) the range's days are computed from their rows and kept nowhere."""
    if store:
        stats_store.refresh(session, hall_id, first, last)
        facts = stats_store.stored(session, hall_id, first, last)
    else:
        days = sorted(set(session.scalars(select(QueueTicket.day).where(
            QueueTicket.hall_id == hall_id, QueueTicket.day.between(first, last)).distinct())))
        computed = stats_store.compute(session, hall_id, days) if days else {}
        facts = [computed[d] for d in sorted(computed)]
    return {"hall_id": hall_id, "from": first.isoformat(), "to": last.isoformat(), "by": by.value,
            **projection.report(facts, by), "quota_use": quota_use(session, hall_id, first, last)}


def raw_statistics(session: Session, hall_id: int, first: dt.date, last: dt.date, by: stats.GroupBy) -> dict:
    """The reference path: the days' tickets and ratings read and counted at once (no stored facts)."""
    tickets, ratings, unserved = load(session, hall_id, first, last)
    facts = projection.facts(tickets, ratings, unserved)
    return {"hall_id": hall_id, "from": first.isoformat(), "to": last.isoformat(), "by": by.value,
            **projection.report([facts], by)}


def quota_use(session: Session, hall_id: int, first: dt.date, last: dt.date) -> dict:
    """Per day and business: tickets that drew on the quota (walk-ins and held appointment slots)."""
    config = load_hall_config(session, hall_id)
    out: dict[str, dict] = {}
    day = first
    while day <= last:
        noon = dt.datetime.combine(day, dt.time(12), CHINA_TZ)
        for business_id in sorted(config.businesses):
            use = stats.quota_use(config.quotas.get(business_id),
                                  store.issued_counts(session, config, business_id, noon))
            if use.issued:
                out.setdefault(day.isoformat(), {})[str(business_id)] = {
                    "issued": use.issued, "limit": use.limit,
                    "share": round(use.share, 3) if use.share is not None else None}
        day += dt.timedelta(days=1)
    return out
