"""The evaluator's side of 好差评: which visit is at this window (from the synced queue rows) and recording a
rating (or "not rated") as `queue.rate` with its optimistic `queue_rating` row, offline or not; and 一事一评:
the case the window's clerk asked about (the synced `case_rating_ask` row of this window), rated through
`rating.rate_case` — the server's one recording path — with the ask row turned `rated` meanwhile."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

from shared.protocol.queue_rows import moment, rating_row
from shared.protocol.rating import CASE_ASK_TABLE, VERSION as RATING_VERSION
from shared.rating.case_rating import check_level_and_reason
from shared.queue.clock import CHINA_TZ
from shared.sync.client import SyncClient
from kiosk.flow.evaluator import CaseAsk, Rate, RateCase, Visit, ask_in_force
from kiosk.services.reference import BADGE_TABLE, Clerk, HallDirectory, badge_clerk

AT_WINDOW = ("called", "serving", "finished")


class RatingDesk:
    def __init__(self, sync: SyncClient, directory: HallDirectory, window_id: int,
                 now: Callable[[], dt.datetime] | None = None) -> None:
        self.sync, self.directory, self.window_id = sync, directory, window_id
        self.now = now or (lambda: dt.datetime.now(CHINA_TZ))

    @property
    def window_number(self) -> int:
        window = self.directory.window(self.window_id)
        return window.number if window else 0

    def clerk_at_window(self) -> Clerk | None:
        """The clerk on this window's badge today (the server publishes it when a clerk calls here; the cache
        keeps it, so it still shows offline and after a restart)."""
        return badge_clerk(self.sync.rows(BADGE_TABLE).get(str(self.window_id)), self.now().date())

    def observe(self) -> tuple[Visit | None, Clerk | None, CaseAsk | None]:
        """What the evaluator's screen follows (read off the GUI thread): the visit, who serves it and the
        case asked at this window. The hall's rules are re-read first when a sync changed them."""
        self.directory.refresh()
        return self.visit_at_window(), self.clerk_at_window(), self.case_asked()

    def case_asked(self) -> CaseAsk | None:
        """The case this window's clerk asked to have rated, while it is open and in force (kept in the cache:
        offline too): not once the clerk has called the next citizen here, nor on a later day."""
        row = self.sync.rows(CASE_ASK_TABLE).get(str(self.window_id))
        if not row or row.get("state") != "open":
            return None
        now = self.now()
        if not ask_in_force(moment(row["at"], now.tzinfo), now, self._first_calls(now.date().isoformat())):
            return None
        return CaseAsk(row["ask_id"], row["case_id"], row.get("reference") or "", row.get("item_name") or "")

    def _first_calls(self, day: str) -> list[dt.datetime]:
        """When each of today's tickets was first called to this window."""
        out = []
        for row in self.sync.rows("queue_ticket").values():
            if str(row.get("day")) != day:
                continue
            calls = [p["start"] for p in row.get("periods") or ()
                     if p.get("kind") == "called" and p.get("window_id") == self.window_id]
            if calls:
                out.append(moment(calls[0]))
        return out

    def record_case(self, rate: RateCase) -> str:
        """Queue the case's rating (shared.rating.case_rating: a 差评 with its reason) and mark the ask rated."""
        reason = check_level_and_reason(rate.level.value, rate.reason)
        rating_id, at = str(uuid.uuid4()), self.now()
        args = {"rating_id": rating_id, "case_id": rate.ask.case_id, "level": rate.level.value, "reason": reason,
                "at": at.isoformat()}
        asked = self.sync.rows(CASE_ASK_TABLE).get(str(self.window_id)) or {}
        effects = [(CASE_ASK_TABLE, str(self.window_id), {**asked, "state": "rated", "rating_id": rating_id})]
        self.sync.submit("rating.rate_case", RATING_VERSION, args, effects=effects)
        return rating_id

    def visit_at_window(self) -> Visit | None:
        """The ticket the window row names; else this window's latest ticket of the day (the server clears
        the window's current ticket when service finishes, and that is exactly when we ask)."""
        tickets = self.sync.rows("queue_ticket")
        state = self.sync.rows("queue_window").get(str(self.window_id), {})
        row = tickets.get(state.get("current_ticket_id") or "")
        if row is None:
            day = self.now().date().isoformat()
            mine = [t for t in tickets.values() if t.get("window_id") == self.window_id
                    and str(t.get("day")) == day and t.get("state") in AT_WINDOW]
            row = max(mine, key=_last_change, default=None)
        if row is None:
            return None
        rated = any(r.get("ticket_id") == row["id"] for r in self.sync.rows("queue_rating").values())
        return Visit(row["id"], row["display"], row.get("clerk") or "", "rated" if rated else row["state"])

    def record(self, rate: Rate) -> str:
        rating_id = str(uuid.uuid4())
        at = self.now().isoformat()
        level = rate.level.value if rate.level is not None else None
        args = {"rating_id": rating_id, "ticket_id": rate.visit.ticket_id, "window_id": self.window_id,
                "clerk": rate.visit.clerk, "level": level, "reason": rate.reason, "at": at}
        row = rating_row(rating_id=rating_id, hall_id=self.directory.hall_id, ticket_id=rate.visit.ticket_id,
                         window_id=self.window_id, clerk=rate.visit.clerk, level=level, reason=rate.reason,
                         at=self.now(), rectification_due=None)
        self.sync.submit("queue.rate", 1, args, effects=[("queue_rating", rating_id, row)])
        return rating_id


def _last_change(row: dict) -> str:
    periods = row.get("periods") or [{}]
    last = periods[-1]
    return str(last.get("end") or last.get("start") or "")
