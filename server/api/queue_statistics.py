"""Queue statistics for supervisors and admins (see server/queue/statistics.py for the figures)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from server.api.deps import DbSession, require_role
from server.api.errors import ApiError
from server.queue.statistics import hall_statistics
from shared.db.models import Hall, StaffUser
from shared.queue.statistics import GroupBy

router = APIRouter(prefix="/api/v1/queue", tags=["queue statistics"])
# the leader (领导) reads these too: the figures only, no action (issue 16)
Supervisor = Annotated[StaffUser, Depends(require_role("supervisor", "admin", "leader"))]
MAX_DAYS = 92  # a quarter: the figures are computed from the tickets themselves


@router.get("/halls/{hall_id}/statistics")
def statistics(hall_id: int, request: Request, session: DbSession, user: Supervisor, day: Annotated[dt.date, Query()],
               to: Annotated[dt.date | None, Query()] = None, by: GroupBy = GroupBy.BUSINESS) -> dict:
    last = to or day
    if last < day or (last - day).days >= MAX_DAYS:
        raise ApiError(422, "invalid_range", f"统计日期范围有误（at most {MAX_DAYS} days, end not before start）",
                       day=day.isoformat(), to=last.isoformat())
    if session.get(Hall, hall_id) is None:
        raise ApiError(404, "unknown_hall", "大厅不存在", hall=hall_id)
    database = request.app.state.database
    if database.replica is not None:
        # Statistics are read from the replica (issue 19), which takes no writes: the range's days are added
        # up from their rows there.
        with database.stats_session() as replica:
            return hall_statistics(replica, hall_id, day, last, by, store=False)
    # The request's own unit of work on the primary: the stored days a change touched are computed again in it
    # and committed with it (server/queue/stats_store).
    return hall_statistics(session, hall_id, day, last, by)
