"""一事一评 at the counter: the citizen rates a finished case on the workstation's screen (or the clerk enters the
paper form's rating). Decided locally by the server's own rule (shared.rating.case_rating: after 办结, once,
a 差评 with its reason), offline too, then queued as `rating.rate_case` with the `case_rating` row the server
will publish as its optimistic row. A 差评's rectification record is opened by the server and arrives by pull."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

from client.services.rowsql import RowSql
from shared.protocol.rating import CASE_RATING_TABLE, VERSION, case_rating_row
from shared.rating.case_rating import CaseRatingRefused, check_case_asked, check_case_rating, rateable
from shared.sync.client import SyncClient

CASE_TABLE = "approval_case"


class CaseRatings:
    def __init__(self, sync: SyncClient, hall_id: int | None, user: str, clock: Callable[[], dt.datetime],
                 window_id: int | None = None) -> None:
        """`window_id`: the window the clerk sits at (None: none, so no evaluator to ask)."""
        self.sync, self.hall_id, self.user, self.clock, self.window_id = sync, hall_id, user, clock, window_id
        self.sql = RowSql(sync.engine)

    def rating_of(self, case_id: str) -> dict | None:
        """The case's rating in the cache (confirmed or still being sent), or None."""
        rows = self.sql.rows(CASE_RATING_TABLE, "json_extract(row, '$.case_id') = :case", params={"case": case_id})
        return rows[0] if rows else None

    def _status(self, case_id: str) -> str:
        row = self.sql.by_pks(CASE_TABLE, [case_id]).get(case_id)
        if row is None:
            raise CaseRatingRefused("no such case", code="unknown_case", case_id=case_id)
        return str(row.get("status") or "")

    def may_rate(self, case_id: str) -> bool:
        return rateable(self._status(case_id), self.rating_of(case_id) is not None)

    def rate(self, case_id: str, level: str, reason: str = "") -> dict:
        """Queue the rating; CaseRatingRefused (nothing queued) when the rule refuses it. Returns the row."""
        reason = check_case_rating(self._status(case_id), self.rating_of(case_id) is not None, level, reason)
        if self.hall_id is None:
            raise CaseRatingRefused("a member of no hall", code="wrong_hall")
        rating_id, at = str(uuid.uuid4()), self.clock()
        row = case_rating_row(rating_id=rating_id, hall_id=self.hall_id, case_id=case_id, level=level,
                              reason=reason, at=at, by=self.user)
        args = {"rating_id": rating_id, "case_id": case_id, "level": level, "reason": reason, "at": at.isoformat()}
        self.sync.submit("rating.rate_case", VERSION, args, effects=[(CASE_RATING_TABLE, rating_id, row)])
        return row


    def may_ask_evaluator(self, case_id: str) -> bool:
        return self.window_id is not None and self.may_rate(case_id)

    def ask_evaluator(self, case_id: str) -> str:
        """一事一评 on the counter's evaluator: the case was finished (办结) for the citizen at this window; queue
        `rating.ask_case` (offline too), which the server publishes to this window's evaluator. Refused as the
        server would refuse it (shared.rating.case_rating.check_case_asked). Returns the ask id."""
        check_case_asked(self._status(case_id), self.rating_of(case_id) is not None)
        if self.window_id is None:
            raise CaseRatingRefused("asked from a window only", code="window_required")
        ask_id = str(uuid.uuid4())
        self.sync.submit("rating.ask_case", VERSION, {"ask_id": ask_id, "case_id": case_id,
                                                      "window_id": self.window_id, "at": self.clock().isoformat()})
        return ask_id


def case_ratings_for(services) -> CaseRatings:  # noqa: ANN001  (client.services.context.Services)
    s = services.session
    window = services.desk.window.id if services.desk is not None else None
    return CaseRatings(services.sync, s.hall_id, s.username, services.clock, window)
