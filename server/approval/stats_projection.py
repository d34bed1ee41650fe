"""The statistics projection (查询统计 at a year's scale): `stats_case` holds each case's share of every figure
(shared.approval.statistics.figures), so the table over a year is one GROUP BY instead of replaying every case.

Freshness: before answering, `refresh` recomputes the rows that are stale — missing (first use backfills),
behind the case's version (every command, a late-synced offline one included, rebuilds the case row with a new
version: that is the dirty mark, whatever path wrote it), counted under another calendar, or open and counted
for another day (an open case's 在办/逾期 depend on today). A closed case's row is computed once. The scheduled
job (`refresh_all`, every two minutes, claimed so one server process runs it) backfills and moves the open
cases to the new day, so an open of the statistics replays little more than what changed since.

Per case rather than per day: a case's figures depend on its whole history (net cycle, card), not on one day's
rows, and the groups (town, item, channel, department, status) are the case's; a per-case row is the smallest
partial that any period and grouping can be summed from. Summing 50,000 small rows in SQL takes milliseconds."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, func, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from server.approval import cache
from server.approval.models import ApprovalCase, StatsCase
from server.approval.queries import views_of
from server.scheduler import Scheduler
from shared.approval import statistics as stats
from shared.approval.events import local_day
from shared.calendar import WorkCalendar

BATCH = 500  # cases replayed and written per step


def _stale(hall_id: int, today: dt.date, calendar_key: str, received_from: dt.date | None,
           received_to: dt.date | None):  # noqa: ANN202
    stmt = (select(ApprovalCase.id).outerjoin(StatsCase, StatsCase.case_id == ApprovalCase.id)
            .where(ApprovalCase.hall_id == hall_id,
                   or_(StatsCase.case_id.is_(None), StatsCase.case_version != ApprovalCase.version,
                       StatsCase.calendar_key != calendar_key,
                       and_(StatsCase.is_open.is_(True), StatsCase.as_of != today))))
    if received_from is not None:
        stmt = stmt.where(ApprovalCase.received_on >= received_from)
    if received_to is not None:
        stmt = stmt.where(ApprovalCase.received_on <= received_to)
    return stmt.order_by(ApprovalCase.id)


def _upsert(session: Session, rows: list[dict]) -> None:
    """Insert or overwrite: two server processes refreshing the same case at once write the same figures, and
    neither fails on the other's row. One statement with many parameter sets (compiling a 500-row VALUES
    clause costs more than the replay)."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    table = StatsCase.__table__
    stmt = insert(table)
    stmt = stmt.on_conflict_do_update(index_elements=["case_id"],
                                      set_={c.name: stmt.excluded[c.name] for c in table.columns
                                            if c.name != "case_id"})
    session.connection().execute(stmt, rows)


def refresh(session: Session, hall_id: int, today: dt.date, calendar: WorkCalendar,
            received_from: dt.date | None = None, received_to: dt.date | None = None,
            limit: int | None = None) -> list[str]:
    """Recompute the stale rows of the hall's cases received in the period; returns their ids. The caller
    commits."""
    key = calendar.fingerprint
    ids = list(session.scalars(_stale(hall_id, today, key, received_from, received_to).limit(limit)))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        cases = list(session.scalars(select(ApprovalCase).where(ApprovalCase.id.in_(chunk))))
        rows = []
        for case, view in views_of(session, cases, today, calendar):
            f = stats.figures(view)
            rows.append({"case_id": case.id, "hall_id": case.hall_id, "case_version": case.version,
                         "calendar_key": key, "as_of": today, "is_open": f.is_open,
                         "received_on": case.received_on, **f.keys, **f.flags, "cycle_days": f.cycle_days})
        if rows:
            _upsert(session, rows)
    return ids


def table(session: Session, hall_id: int, by: list[str], received_from: dt.date | None = None,
          received_to: dt.date | None = None) -> dict[tuple[str, ...], stats.Counts]:
    """The counts per group summed from the projection (call `refresh` first): the same table as
    shared.approval.statistics.statistics over the replayed cases."""
    stats.check_dimensions(by)
    dims = [getattr(StatsCase, d) for d in by]
    sums = [func.count().label("received"), *(func.sum(getattr(StatsCase, f)).label(f) for f in stats.FLAGS),
            func.coalesce(func.sum(StatsCase.cycle_days), 0).label("cycle_total"),
            func.count(StatsCase.cycle_days).label("cycle_count")]
    stmt = select(*dims, *sums).where(StatsCase.hall_id == hall_id)
    if received_from is not None:
        stmt = stmt.where(StatsCase.received_on >= received_from)
    if received_to is not None:
        stmt = stmt.where(StatsCase.received_on <= received_to)
    if dims:
        stmt = stmt.group_by(*dims)
    parts = []
    for row in session.execute(stmt):
        m = row._mapping
        if not m["received"]:
            continue  # no case at all: an empty total has no group
        parts.append((tuple(m[d] for d in by), {name: int(m[name] or 0) for name in
                                                  ("received", *stats.FLAGS, "cycle_total", "cycle_count")}))
    return stats.summed(parts)


JOB = "approval.stats_projection"
EVERY = dt.timedelta(minutes=2)
JOB_LIMIT = 1000  # cases per run (about a second of replay): the job's transaction never holds SQLite's write
# lock for long; a backlog (first run, the open cases after midnight) is worked off over a few runs


def refresh_all(session: Session, now: dt.datetime) -> int:
    """The scheduler job: every hall's stale rows (backfilled on its first run; then the open cases moving to
    the new day and whatever changed since). A closed case's row, once written, stays."""
    today, calendar = local_day(now), cache.calendar(session)
    done = 0
    for hall_id in list(session.scalars(select(ApprovalCase.hall_id).distinct())):
        if done < JOB_LIMIT:
            done += len(refresh(session, hall_id, today, calendar, limit=JOB_LIMIT - done))
    return done


def register(scheduler: Scheduler) -> None:
    scheduler.add(JOB, EVERY, refresh_all)
