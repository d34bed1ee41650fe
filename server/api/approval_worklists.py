"""Worklists (待办, 临期, 超期 by department and step) and statistics (查询统计) for the signed-in user's hall."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy.orm import Session

from server.api.approval_cases import hall_of, rows_for
from server.api.deps import Clock, CurrentUser, DbSession, ReadingUser, ReadSession
from server.api.errors import ApiError
from server.approval import cache
from server.approval import stats_projection as projection
from server.approval.queries import all_cases, todo, views_of
from shared.approval import statistics as stats
from shared.approval.events import local_day
from shared.approval.views import near_due, overdue
from shared.protocol.approval_api import CountsOut, DueEntryOut, DueGroup, StatisticsOut, WorkItem

router = APIRouter(prefix="/api/v1", tags=["approval"])


@router.get("/worklists/todo", response_model=list[WorkItem])
def my_todo(session: ReadSession, user: ReadingUser, clock: Clock):
    """Cases whose current step one of the user's roles acts on (not every case a head could terminate)."""
    today, calendar = local_day(clock()), cache.calendar(session)
    found = todo(session, hall_of(user), set(user.role_names), today, calendar)
    rows = {r["id"]: r for r in rows_for(session, [c for c, _, _ in found], today, calendar)}
    return [WorkItem(case=rows[c.id], actions=actions) for c, _, actions in found]


def _due(session, user, clock, pick) -> list[DueGroup]:  # noqa: ANN001
    today, calendar = local_day(clock()), cache.calendar(session)
    pairs = views_of(session, all_cases(session, hall_of(user), open_only=True), today, calendar)
    numbers = {c.id: c.case_number for c, _ in pairs}
    groups: dict[tuple[str, str], list[DueEntryOut]] = defaultdict(list)
    for e in pick([v for _, v in pairs]):
        groups[(e.department, e.step)].append(DueEntryOut(
            case_id=e.case_id, case_number=numbers[e.case_id], clock=e.clock, card=e.card.value, due=e.due,
            remaining=e.remaining, urgent=e.urgent))
    return [DueGroup(department=d, step=s, entries=entries) for (d, s), entries in groups.items()]


@router.get("/worklists/near-due", response_model=list[DueGroup])
def near_due_cases(session: ReadSession, user: ReadingUser, clock: Clock):
    return _due(session, user, clock, near_due)


@router.get("/worklists/overdue", response_model=list[DueGroup])
def overdue_cases(session: ReadSession, user: ReadingUser, clock: Clock):
    return _due(session, user, clock, overdue)


def _counts(key: tuple[str, ...], c: stats.Counts) -> CountsOut:
    return CountsOut(key=list(key), received=c.received, accepted=c.accepted, not_accepted=c.not_accepted,
                     granted=c.granted, refused=c.refused, closed=c.closed, withdrawn=c.withdrawn,
                     terminated=c.terminated, in_progress=c.in_progress, overdue=c.overdue,
                     average_cycle_days=c.average_cycle_days)


@router.get("/statistics/cases", response_model=StatisticsOut)
def case_statistics(session: DbSession, user: CurrentUser, clock: Clock,
                    by: Annotated[str, Query(description="comma-separated: "
                                             + ", ".join(stats.DIMENSIONS))] = "year",
                    received_from: dt.date | None = None, received_to: dt.date | None = None):
    """Counts by year/quarter/month/town/item/channel/department; the average cycle counts working days from
    acceptance to 办结 with stopped time (Art. 45 procedures, corrections where they stop) left out. Answered
    from the statistics projection (server/approval/stats_projection), its stale rows recomputed first; the
    raw recount (`raw_case_table`) is the reference it is tested against."""
    dims = [d.strip() for d in by.split(",") if d.strip()]
    unknown = [d for d in dims if d not in stats.DIMENSIONS]
    if unknown or not dims:
        raise ApiError(422, "unknown_dimension", "未知的统计维度（unknown dimension）", unknown=unknown,
                       allowed=sorted(stats.DIMENSIONS))
    # The request's own unit of work (the one that signed the user in): the stale rows are recomputed in it
    # and committed with it. Statistics read the primary: the projection is written there.
    hall_id, today = hall_of(user), local_day(clock())
    projection.refresh(session, hall_id, today, cache.calendar(session), received_from, received_to)
    table = projection.table(session, hall_id, dims, received_from, received_to)
    total = projection.table(session, hall_id, [], received_from, received_to).get((), stats.Counts())
    return StatisticsOut(by=dims, as_of=today, rows=[_counts(k, c) for k, c in table.items()],
                         total=_counts((), total))


def raw_case_table(session: Session, hall_id: int, dims: list[str], today: dt.date,
                   received_from: dt.date | None = None,
                   received_to: dt.date | None = None) -> dict[tuple[str, ...], stats.Counts]:
    """The reference path: every case of the period replayed and counted (what the route did before the
    projection)."""
    cases = all_cases(session, hall_id, received_from=received_from, received_to=received_to)
    return stats.statistics([v for _, v in views_of(session, cases, today, cache.calendar(session))], dims)
