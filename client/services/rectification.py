"""差评整改 on a workstation: the records of the user's department (a supervisor: the hall's, appeals first),
each with today's card by the server's rule (shared.rating.deadlines), the period's statistics by the
server's function, and the loop's actions — decided locally by the shared rules (offline too), queued as
`rating.<action>` with the record's base and the new record as the optimistic row. The server applies each
only if the record is still as its author saw it; otherwise the command is rejected and the row rolls back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from client.services.rowsql import RowSql
from shared.calendar import WorkCalendar
from shared.db.models import Business, Department, ServiceItem
from shared.protocol.rating import CASE_RATING_TABLE, RECORD_TABLE, VERSION
from shared.rating.deadlines import Cards, RecordCard
from shared.rating.errors import RectificationRefused
from shared.rating.rectification import (
    ACTIONS, APPEALED, FIELDS, FINAL, HANDLER_ROLES, REVIEWER_ROLES, Actor, apply, base_of, local_day, may,
)
from shared.rating.statistics import Rated, rating_statistics, rating_statistics_by
from shared.sync.client import SyncClient

CARD_ORDER = {"red_card": 0, "yellow_card": 1, "green": 2}
READERS = frozenset({"leader"})  # 领导: every record of the hall, read only (the shared rules allow no action)


@dataclass(frozen=True)
class RecordView:
    record: dict
    card: RecordCard
    actions: tuple[str, ...]  # what this user may do with it now

    @property
    def id(self) -> str:
        return self.record["id"]


class RectificationDesk:
    def __init__(self, sync: SyncClient, actor: Actor, calendar: WorkCalendar,
                 clock: Callable[[], dt.datetime]) -> None:
        self.sync, self.actor, self.calendar, self.clock = sync, actor, calendar, clock
        self.sql = RowSql(sync.engine)

    @property
    def reviews(self) -> bool:
        return bool(REVIEWER_ROLES & self.actor.roles)

    @property
    def handles(self) -> bool:
        return bool(HANDLER_ROLES & self.actor.roles) and self.actor.department_id is not None

    def today(self) -> dt.date:
        return local_day(self.clock())

    def _mine(self, record: dict) -> bool:
        return self.reviews or bool(READERS & self.actor.roles) or (
            self.handles and record["department_id"] == self.actor.department_id)

    def records(self) -> list[RecordView]:
        """Open records first (red, yellow, then by due day; appeals awaiting review first for a reviewer),
        finished ones after, newest first."""
        card_of = Cards(self.today(), self.calendar)
        views = [RecordView(r, card_of(r),
                            tuple(a for a in ACTIONS if may(r, a, self.actor)))
                 for r in self.sync.rows(RECORD_TABLE).values() if self._mine(r)]

        def urgency(v: RecordView) -> tuple:
            review_first = 0 if self.reviews and v.record["status"] == APPEALED else 1
            return review_first, CARD_ORDER[v.card.card.value], v.card.due or dt.date.max, v.record["rated_at"]
        running = sorted((v for v in views if v.record["status"] not in FINAL), key=urgency)
        finished = sorted((v for v in views if v.record["status"] in FINAL), key=lambda v: v.record["rated_at"],
                          reverse=True)
        return running + finished

    def statistics(self, first: dt.date, last: dt.date, by: str | None = None) -> dict:
        """The hall's figures for the period from the synced ratings, by the server's own function; `by` adds
        them per department, business (or item) or source, as the API's `by` does."""
        every = self.sync.rows(RECORD_TABLE).values()
        ratings = self.rated(first, last, {r["rating_id"]: r.get("department_id") for r in every})
        ids = {r.rating_id for r in ratings}
        records = [r for r in every if r["rating_id"] in ids]
        figures = rating_statistics([(r.rating_id, r.level) for r in ratings], records, self.today(), self.calendar)
        if by is not None:
            figures["by"] = by
            figures["groups"] = rating_statistics_by(by, ratings, records, self.today(), self.calendar)
        return figures

    def statistics_by_source(self, first: dt.date, last: dt.date, by: str
                             ) -> tuple[list[tuple[str, str, dict]], dict, list[Rated]]:
        """The period's figures per source (ticket ratings, then 一事一评 case ratings) and group (`by`: one of
        shared.rating.statistics.GROUPINGS), by the server's own function, with the whole period's figures and
        the ratings counted (for the drill-down)."""
        every = self.sync.rows(RECORD_TABLE).values()
        ratings = self.rated(first, last, {r["rating_id"]: r.get("department_id") for r in every})
        ids = {r.rating_id for r in ratings}
        records = [r for r in every if r["rating_id"] in ids]
        today = self.today()
        rows = []
        for source in ("ticket", "case"):
            part = [r for r in ratings if r.source == source]
            mine = {r.rating_id for r in part}
            groups = rating_statistics_by(by, part, [r for r in records if r["rating_id"] in mine], today,
                                          self.calendar)
            rows.extend((source, key, figures) for key, figures in groups.items())
        whole = rating_statistics([(r.rating_id, r.level) for r in ratings], records, today, self.calendar)
        return rows, whole, ratings

    def department_names(self) -> dict[int, str]:
        with Session(self.sync.engine) as session:
            return dict(session.execute(select(Department.id, Department.name)).all())

    def rated(self, first: dt.date, last: dt.date, record_departments: dict[str, int | None] | None = None
              ) -> list[Rated]:
        """The period's ratings, ticket and case alike, each with what it rated and its department (from the
        synced ticket and case rows and the reference tables; a 差评 whose ticket or case this cache no longer
        holds takes its record's department, which the server set from the same business or item)."""
        record_departments = record_departments or {}
        def within(at: str) -> bool:
            return first <= local_day(dt.datetime.fromisoformat(at)) <= last
        # A day either side in SQL (times are written in UTC or hall time), the exact hall-local day here:
        # a year of ratings in the cache is never loaded whole.
        near = "substr(json_extract(row, '$.at'), 1, 10) BETWEEN :a AND :b"
        days = {"a": (first - dt.timedelta(days=1)).isoformat(), "b": (last + dt.timedelta(days=1)).isoformat()}
        tickets = [r for r in self.sql.rows("queue_rating", near, params=days) if within(r["at"])]
        cases = [r for r in self.sql.rows(CASE_RATING_TABLE, near, params=days) if within(r["at"])]
        ticket_ids = [r["ticket_id"] for r in tickets if r.get("ticket_id")]
        case_ids = [r["case_id"] for r in cases if r.get("case_id")]
        businesses = {pk: row.get("business_id") for pk, row in self.sql.by_pks("queue_ticket", ticket_ids).items()}
        items = {pk: row.get("item_code") or "" for pk, row in self.sql.by_pks("approval_case", case_ids).items()}
        with Session(self.sync.engine) as session:
            of_business = dict(session.execute(select(Business.id, Business.department_id)).all())
            of_item = dict(session.execute(select(ServiceItem.code, ServiceItem.department_id)).all())
        out = []
        for r in tickets:
            business = businesses.get(r.get("ticket_id") or "")
            department = of_business.get(business) if business is not None else record_departments.get(r["id"])
            out.append(Rated(r["id"], r["level"], "ticket", str(business), department))
        for r in cases:
            item = items.get(r.get("case_id") or "", "")
            department = of_item.get(item) if item else record_departments.get(r["id"])
            out.append(Rated(r["id"], r["level"], "case", item, department))
        return out

    def act(self, record_id: str, action: str, fields: dict) -> dict:
        """Decide now (a refusal raises RectificationRefused before anything is queued), then queue the command
        with the new record as its optimistic row. Returns the new record."""
        record = self.sync.rows(RECORD_TABLE).get(record_id)
        if record is None:
            raise RectificationRefused("no such record", code="unknown_record", record_id=record_id)
        at = self.clock()
        base = base_of(record)
        new = apply(record, action, fields, self.actor, at, base)
        args = {"record_id": record_id, "at": at.isoformat(),
                **{k: str(fields.get(k) or "").strip() for k in FIELDS[action]}}
        self.sync.submit(f"rating.{action}", VERSION, args, base=base, effects=[(RECORD_TABLE, record_id, new)])
        return new


def desk_for(services) -> RectificationDesk:  # noqa: ANN001  (client.services.context.Services)
    """The signed-in member's desk: their roles and department, the published calendar, the app's clock."""
    session = services.session
    actor = Actor(session.username, frozenset(session.roles), session.department_id)
    return RectificationDesk(services.sync, actor, services.cases.calendar, services.clock)
