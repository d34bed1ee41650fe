"""好差评整改 for supervisors and admins: the hall's rectification records with today's yellow/red card,
and the statistics of 差评, 回访率 and 整改率 (server/rating/queries.py; the records change only through the
`rating.*` sync commands, which the command log records)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

from server.api.deps import Clock, StatsSession, require_role
from server.api.errors import ApiError
from server.rating import queries
from shared.china_time import CHINA_TZ
from shared.db.models import Hall, StaffUser

router = APIRouter(prefix="/api/v1/ratings", tags=["ratings"])
# the leader (领导) reads these too: the figures only, no action (issue 16)
Supervisor = Annotated[StaffUser, Depends(require_role("supervisor", "admin", "leader"))]
Grouping = Literal["department", "business", "source"]  # shared.rating.statistics.GROUPINGS
Status = Literal["open", "verified", "rectified", "closed", "appealed", "voided"]
MAX_DAYS = 366


def _hall(session, hall_id: int) -> None:  # noqa: ANN001
    if session.get(Hall, hall_id) is None:
        raise ApiError(404, "unknown_hall", "大厅不存在", hall=hall_id)


@router.get("/halls/{hall_id}/rectifications")
def rectifications(hall_id: int, session: StatsSession, user: Supervisor, clock: Clock,
                   status: Status | None = None) -> dict:
    _hall(session, hall_id)
    today = clock().astimezone(CHINA_TZ).date()
    return {"today": today.isoformat(), "records": queries.listed(session, hall_id, today, status)}


@router.get("/halls/{hall_id}/statistics")
def statistics(hall_id: int, session: StatsSession, user: Supervisor, clock: Clock,
               day: Annotated[dt.date, Query()], to: Annotated[dt.date | None, Query()] = None,
               by: Grouping | None = None) -> dict:
    """The period's figures; `by` adds them per department, per business or item rated, or per source (ticket
    ratings and 一事一评 case ratings alike)."""
    last = to or day
    if last < day or (last - day).days >= MAX_DAYS:
        raise ApiError(422, "invalid_range", f"统计日期范围有误（at most {MAX_DAYS} days, end not before start）",
                       day=day.isoformat(), to=last.isoformat())
    _hall(session, hall_id)
    return queries.statistics(session, hall_id, day, last, clock().astimezone(CHINA_TZ).date(), by)
