"""The queue statistics projection stored on the server: each hall day's shared/queue/projection facts (the
code the workstation's 统计分析 keeps per day in its cache), so a statistics request adds up stored days.

Freshness comes from the change log, which every write of a ticket, a rating or a rating's rectification
record publishes to (a late offline ticket arriving by sync included, whatever path wrote it): `refresh` reads
the hall scope's changes past its cursor, drops the stored days they touch (a ticket's day; a rating's and a
rectification's through their ticket — a rating voided on appeal leaves the figures), moves the cursor, then
computes the days of the asked range that hold tickets and have no stored row. Changes commit in seq order
(the hall's counter row is locked until commit), so nothing below the cursor can commit later. A tombstone of
a ticket or rating, a changed facts format, or compaction past the cursor drops every stored day of the hall.

The scheduler job `build_ahead` (JOB) stores the days before today that are missing, newest first and
JOB_DAYS at a time (its transaction never holds SQLite's write lock for long), so that a year's statistics
are stored days by the time someone asks for them; today is left to the requests (its tickets still move)."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from server.queue.models import QueueRating, QueueTicket, StatsQueueCursor, StatsQueueDay
from server.scheduler import Scheduler
from server.sync.changes import scope_floor
from server.sync.models import ChangeLog
from shared.db.models import Hall
from shared.queue import projection
from shared.queue.clock import CHINA_TZ

TABLES = ("queue_ticket", "queue_rating", "rating_rectification")
CHUNK_DAYS = 31  # days computed per read of their tickets
CELLS = ("tickets", "ratings")  # the cross product: the reports read the per-grouping totals only
JOB = "queue.stats_days"
EVERY = dt.timedelta(minutes=2)
JOB_DAYS = CHUNK_DAYS  # days computed per run, all halls together: one read of their tickets


def _upsert(session: Session, model, rows: list[dict], keys: list[str]) -> None:  # noqa: ANN001
    """Insert or overwrite (two requests refreshing the same day write the same facts)."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = insert(model.__table__)
    stmt = stmt.on_conflict_do_update(index_elements=keys, set_={c.name: stmt.excluded[c.name]
                                                                 for c in model.__table__.columns
                                                                 if c.name not in keys})
    session.connection().execute(stmt, rows)


def _touched(session: Session, hall_id: int, since: int, top: int) -> set[dt.date] | None:
    """The days the hall's changes in (since, top] touch; None: a deletion, whose day is not known."""
    days: set[dt.date] = set()
    tickets, ratings = set(), set()
    for tbl, pk, row in session.execute(select(ChangeLog.tbl, ChangeLog.pk, ChangeLog.row).where(
            ChangeLog.scope == f"hall:{hall_id}", ChangeLog.seq > since, ChangeLog.seq <= top,
            ChangeLog.tbl.in_(TABLES))):
        if row is None and tbl != "rating_rectification":
            return None
        if tbl == "queue_ticket":
            days.add(dt.date.fromisoformat(row["day"]))
        elif tbl == "queue_rating":
            tickets.add(row.get("ticket_id"))
        elif row is not None and row.get("source") == "ticket":
            ratings.add(row.get("rating_id"))
    if ratings:
        tickets |= set(session.scalars(select(QueueRating.ticket_id).where(QueueRating.id.in_(ratings))))
    tickets.discard(None)
    if tickets:
        days |= set(session.scalars(select(QueueTicket.day).where(QueueTicket.id.in_(tickets)).distinct()))
    return days


def refresh(session: Session, hall_id: int, first: dt.date, last: dt.date,
            limit: int | None = None) -> list[dt.date]:
    """Drop the stored days changed since the cursor, then compute the missing days from `first` to `last`
    (the newest `limit` of them only, when given). Returns the days computed. The caller commits."""
    top = session.scalar(select(func.max(ChangeLog.seq)).where(ChangeLog.scope == f"hall:{hall_id}")) or 0
    cursor = session.get(StatsQueueCursor, hall_id)
    if cursor is None or cursor.format != projection.FORMAT or scope_floor(session, f"hall:{hall_id}") > cursor.seq:
        touched = None
    else:
        touched = _touched(session, hall_id, cursor.seq, top) if top > cursor.seq else set()
    stale = delete(StatsQueueDay).where(StatsQueueDay.hall_id == hall_id)
    if touched is None:
        session.execute(stale)
    elif touched:
        session.execute(stale.where(StatsQueueDay.day.in_(touched)))
    if cursor is None or top > cursor.seq or cursor.format != projection.FORMAT:
        _upsert(session, StatsQueueCursor, [{"hall_id": hall_id, "seq": top, "format": projection.FORMAT}],
                ["hall_id"])
    held = set(session.scalars(select(StatsQueueDay.day).where(StatsQueueDay.hall_id == hall_id,
                                                                StatsQueueDay.day.between(first, last))))
    wanted = set(session.scalars(select(QueueTicket.day).where(QueueTicket.hall_id == hall_id,
                                                               QueueTicket.day.between(first, last)).distinct()))
    missing = sorted(wanted - held)
    if limit is not None:
        missing = missing[len(missing) - limit:] if limit > 0 else []
    for start in range(0, len(missing), CHUNK_DAYS):
        chunk = missing[start:start + CHUNK_DAYS]
        rows = [{"hall_id": hall_id, "day": day, "facts": json.dumps(facts, ensure_ascii=False)}
                for day, facts in compute(session, hall_id, chunk).items()]
        if rows:
            _upsert(session, StatsQueueDay, rows, ["hall_id", "day"])
    return missing


def compute(session: Session, hall_id: int, days: list[dt.date]) -> dict[dt.date, dict]:
    """The days' facts (less the cross product) from the stored tickets and ratings, as server/queue/statistics
    reads them (voided ratings left out); a ticket counts under its hall day, as the workstation's cache keeps it."""
    from server.queue.statistics import load
    tickets, ratings, unserved = load(session, hall_id, min(days), max(days), days)
    day_of = {pk: day for pk, day in session.execute(select(QueueTicket.id, QueueTicket.day).where(
        QueueTicket.hall_id == hall_id, QueueTicket.day.in_(days)))}
    by_day: dict[dt.date, tuple[list, list]] = {}
    for t in tickets:
        by_day.setdefault(day_of[t.id], ([], []))[0].append(t)
    for r in ratings:
        by_day[day_of[r.visit.ticket_id]][1].append(r)
    out = {}
    for day, (ts, rs) in by_day.items():
        facts = projection.facts(ts, rs, unserved)
        out[day] = {k: v for k, v in facts.items() if k not in CELLS}
    return out


def stored(session: Session, hall_id: int, first: dt.date, last: dt.date) -> list[dict]:
    """The stored facts of the days from `first` to `last` (call `refresh` first)."""
    return [json.loads(f) for f in session.scalars(
        select(StatsQueueDay.facts).where(StatsQueueDay.hall_id == hall_id, StatsQueueDay.day.between(first, last))
        .order_by(StatsQueueDay.day))]


def build_ahead(session: Session, now: dt.datetime) -> int:
    """The scheduler job: each hall's missing days before today, newest first, JOB_DAYS per run in all.
    Returns the days stored."""
    yesterday = now.astimezone(CHINA_TZ).date() - dt.timedelta(days=1)
    done = 0
    for hall_id in list(session.scalars(select(Hall.id).order_by(Hall.id))):
        if done >= JOB_DAYS:
            break
        done += len(refresh(session, hall_id, dt.date.min, yesterday, limit=JOB_DAYS - done))
    return done


def register(scheduler: Scheduler) -> None:
    scheduler.add(JOB, EVERY, build_ahead)
