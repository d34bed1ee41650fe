"""The hall's figures from the workstation's cache: the live dashboard (who waits now, windows, today against
yesterday and last week, 差评 today, cases near due and overdue by department) and the queue statistics of a
range of days. Queue figures come from shared/queue (statistics, projection) — the code the server's statistics
API runs — over the synced `queue_ticket` / `queue_rating` / `queue_window` rows, in hall-local time."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass

from client.services.queue_projection import ProjectionRefresher, QueueProjection, Write
from client.services.reference import Reference
from client.services.rowsql import RowSql
from shared.protocol.queue_rows import moment, rating_of, ticket_of
from shared.queue import projection
from shared.queue.clock import CHINA_TZ
from shared.queue.closing import CLOSED_UNSERVED
from shared.queue.ratings import Rating, RatingLevel
from shared.queue.statistics import GroupBy
from shared.queue.tickets import Ticket, TicketState
from shared.queue.timing import finished_at, first_wait
from shared.rating.voiding import voided_ratings

WAITING = (TicketState.WAITING,)
TABLES = ("queue_ticket", "queue_rating", "rating_rectification")  # what queue_data reads


@dataclass(frozen=True)
class QueueData:
    """The tickets of some days with their ratings, as shared/queue counts them."""
    tickets: list[Ticket]
    ratings: list[Rating]
    unserved: frozenset[str]          # ended unserved by the close-of-day sweep
    rows: dict[str, dict]             # ticket id → synced row (for drill-down)


@dataclass(frozen=True)
class Waiting:
    business_id: int
    name: str
    count: int
    longest: dt.timedelta | None


@dataclass(frozen=True)
class Compare:
    """A count today so far, and on the day before and the same weekday a week before up to the same time."""
    today: int
    yesterday: int
    last_week: int


@dataclass(frozen=True)
class Dashboard:
    at: dt.datetime
    waiting: list[Waiting]
    windows_open: int                 # signed on and not paused
    windows_paused: int
    windows_serving: int              # with a citizen at the window now
    windows_closed: int               # nobody signed on
    issued: Compare
    served: Compare
    bad_today: int                    # 差评 recorded today, of visits and of cases (less those voided on appeal)
    cases: list[tuple[str, int, int]]  # (department, near due, overdue), distinct open cases

    @property
    def waiting_total(self) -> int:
        return sum(w.count for w in self.waiting)

    @property
    def longest(self) -> dt.timedelta | None:
        found = [w.longest for w in self.waiting if w.longest is not None]
        return max(found) if found else None


class HallFigures:
    def __init__(self, sql: RowSql, reference: Reference, clock: Callable[[], dt.datetime],
                 cases: Callable[[], list[tuple[str, int, int]]] | None = None, write: Write | None = None) -> None:
        """`cases`: near-due and overdue open cases per department (SupervisionBoard.departments); `write`: the
        cache's one writer (ops.write), which stores the statistics projection."""
        self.sql, self.reference, self.clock, self.cases = sql, reference, clock, cases
        self._last: tuple[tuple, QueueData] | None = None  # the last range read, while the cache is unchanged
        self._lock = threading.Lock()
        self.projection = QueueProjection(sql, write)
        self.refresher: ProjectionRefresher | None = None

    def keep_fresh(self, sync, run: Callable[[Callable[[], None]], None]) -> ProjectionRefresher:  # noqa: ANN001
        """Refresh the stored statistics projection on `run` (a background pool) now and after every pull that
        changed rows, so that opening 统计分析 reads stored days."""
        self.refresher = ProjectionRefresher(self.projection, run)
        sync.on_pulled(self.refresher.pulled)
        self.refresher.kick()
        return self.refresher

    def now(self) -> dt.datetime:
        return self.clock().astimezone(CHINA_TZ)

    # -- reading -----------------------------------------------------------------------------------------
    def queue_data(self, first: dt.date, last: dt.date) -> QueueData:
        """The days' tickets and ratings; the queue and the ratings views of one range share one read (a year
        of a busy hall is 200,000 tickets) until a row of them changes."""
        key = (first, last, self.sql.version(TABLES))
        with self._lock:
            if self._last is not None and self._last[0] == key:
                return self._last[1]
        rows = self.sql.rows("queue_ticket", "json_extract(row, '$.day') BETWEEN :first AND :last",
                             params={"first": first.isoformat(), "last": last.isoformat()})
        data = self._data(rows, first, last)
        with self._lock:
            self._last = (key, data)
        return data

    def _days(self, days: list[dt.date]) -> QueueData:
        marks = ", ".join(f":d{i}" for i in range(len(days)))
        rows = self.sql.rows("queue_ticket", f"json_extract(row, '$.day') IN ({marks})",
                             params={f"d{i}": d.isoformat() for i, d in enumerate(days)})
        return self._data(rows, min(days), max(days))

    def _data(self, rows: list[dict], first: dt.date, last: dt.date) -> QueueData:
        by_id = {r["id"]: r for r in rows}
        tickets = {pk: ticket_of(r, CHINA_TZ) for pk, r in by_id.items()}
        # a rating is recorded when (or, from an evaluator that was offline, after) the visit ended: read a
        # margin of days around the range by its time, keep the ratings of these tickets
        rated = self.sql.rows("queue_rating", "json_extract(row, '$.at') BETWEEN :a AND :b",
                              params={"a": (first - dt.timedelta(days=1)).isoformat(),
                                      "b": (last + dt.timedelta(days=8)).isoformat()})
        found = [(row["id"], r) for row, r in ((row, rating_of(row, tickets[row["ticket_id"]], CHINA_TZ))
                                               for row in rated if row.get("ticket_id") in tickets) if r is not None]
        # a 差评 voided on appeal leaves the figures (shared/rating/voiding: its record has the rating's id)
        voided = voided_ratings(self.sql.by_pks("rating_rectification",
                                                sorted(rid for rid, r in found if r.is_bad)).values())
        ratings = [r for rid, r in found if rid not in voided]
        unserved = frozenset(pk for pk, r in by_id.items() if CLOSED_UNSERVED in (r.get("flags") or ()))
        return QueueData(list(tickets.values()), ratings, unserved, by_id)

    # -- statistics --------------------------------------------------------------------------------------
    def queue_report(self, first: dt.date, last: dt.date, by: GroupBy) -> dict:
        """What GET /api/v1/queue/halls/{id}/statistics answers for these days, less its quota use: added up
        from the cache's per-day projection (client/services/queue_projection), which recomputes only the
        days whose rows changed — not from a year of tickets at every query."""
        facts = self.projection.facts(first.isoformat(), last.isoformat())
        return {"hall_id": self.reference.hall_id, "from": first.isoformat(), "to": last.isoformat(),
                "by": by.value, **projection.report(facts, by)}

    # -- dashboard ---------------------------------------------------------------------------------------
    def _case_bad(self, today: dt.date) -> int:
        """一事一评 差评 recorded today (hall-local), less those voided on appeal (shared/rating/voiding)."""
        rows = self.sql.rows("case_rating", "json_extract(row, '$.at') BETWEEN :a AND :b",
                             params={"a": (today - dt.timedelta(days=1)).isoformat(),
                                     "b": (today + dt.timedelta(days=2)).isoformat()})
        bad = [r["id"] for r in rows if r.get("level") and RatingLevel(r["level"]).is_bad
               and moment(r["at"], CHINA_TZ).date() == today]
        voided = voided_ratings(self.sql.by_pks("rating_rectification", bad).values()) if bad else frozenset()
        return sum(1 for rid in bad if rid not in voided)

    def dashboard(self) -> Dashboard:
        now = self.now()
        today = now.date()
        yesterday, last_week = today - dt.timedelta(days=1), today - dt.timedelta(days=7)
        data = self._days([today, yesterday, last_week])
        on: dict[dt.date, list[Ticket]] = {today: [], yesterday: [], last_week: []}
        for t in data.tickets:
            on.setdefault(t.issued_wall.date(), []).append(t)
        waiting = []
        for business_id in sorted(self.reference.businesses):
            queue = [t for t in on[today] if t.business_id == business_id and t.state in WAITING]
            waits = [w for w in (first_wait(t, now) for t in queue) if w is not None]
            waiting.append(Waiting(business_id, self.reference.business_name(business_id), len(queue),
                                   max(waits) if waits else None))
        cut = now.timetz()

        def issued(day: dt.date) -> int:
            return sum(1 for t in on[day] if t.issued_wall.timetz() <= cut or day == today)

        def served(day: dt.date) -> int:
            ends = (finished_at(t) for t in on[day])
            return sum(1 for e in ends if e is not None and (day == today or e.astimezone(CHINA_TZ).timetz() <= cut))

        bad = sum(1 for r in data.ratings if r.is_bad and r.recorded_at.astimezone(CHINA_TZ).date() == today)
        bad += self._case_bad(today)
        states = {int(r["window_id"]): r for r in self.sql.rows("queue_window")}
        active = [w for w in self.reference.windows.values() if w.active]
        present = [states[w.id] for w in active if w.id in states]
        paused = sum(1 for r in present if r.get("paused"))
        return Dashboard(
            at=now, waiting=waiting, windows_open=len(present) - paused, windows_paused=paused,
            windows_serving=sum(1 for r in present if r.get("current_ticket_id")),
            windows_closed=len(active) - len(present),
            issued=Compare(issued(today), issued(yesterday), issued(last_week)),
            served=Compare(served(today), served(yesterday), served(last_week)),
            bad_today=bad, cases=self.cases() if self.cases is not None else [])
