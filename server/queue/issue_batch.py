"""What `queue.issue` reads, loaded once per push: the tickets already recorded under the push's ticket ids, the
lease blocks its numbers name, the numbers already printed, and each business's quota counts for the day.

A push of 50 tickets used to ask the database the same five questions 50 times. Here they are asked once
(the counts once per business and day), and every accepted ticket of the push is added to the answers, so the
next command sees it although its row is inserted only at the end of the push (ctx.insert_later).

The answers stay true while only this push's own `queue.issue` commands run. Anything else that publishes a
change in between (another command of the push, or a ticket refused after its change was numbered) moves the
hall's change counter past the mark kept here; the batch then flushes the deferred rows and reloads, so it
never answers from a view older than the database's."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from server.queue import store
from server.queue.config import HallConfig
from server.queue.models import QueueTicket
from server.sync.leases import series_key
from server.sync.models import NumberBlock, NumberSeries
from server.sync.registry import CommandContext
from shared.protocol.queue import IssueArgs
from shared.queue.issuance import IssuedCounts

TICKETS = QueueTicket.__table__
BLOCKS = NumberBlock.__table__
SERIES_ROWS = NumberSeries.__table__
# Built once (every push of tickets runs them): building and keying a statement cost more than running it.
_TICKETS_BY_ID = (select(TICKETS.c.id, TICKETS.c.device_id, TICKETS.c.display)
                  .where(TICKETS.c.id.in_(bindparam("ids", expanding=True))))
_LEASES = (select(BLOCKS.c.id, BLOCKS.c.device_id, BLOCKS.c.kind, BLOCKS.c.first, BLOCKS.c.last,
                  BLOCKS.c.returned_above, SERIES_ROWS.c.series, SERIES_ROWS.c.hall_id, SERIES_ROWS.c.prefix,
                  SERIES_ROWS.c.day)
           .join(SERIES_ROWS, SERIES_ROWS.c.id == BLOCKS.c.series_id)
           .where(BLOCKS.c.id.in_(bindparam("ids", expanding=True))))
# Two IN lists, not `(day, display) IN (...)`: SQLite's planner scans the whole table for the row-value form, while
# these two use ix_queue_ticket_day_display. Their cross product may name more numbers than the push's: each is
# a number really taken, so the answer stays right.
_PRINTED = (select(TICKETS.c.id, TICKETS.c.hall_id, TICKETS.c.day, TICKETS.c.series_prefix, TICKETS.c.display)
            .where(TICKETS.c.day.in_(bindparam("days", expanding=True)),
                   TICKETS.c.display.in_(bindparam("displays", expanding=True))))


@dataclass(frozen=True)
class Lease:
    """A lease block as the number check (server.sync.leases.lease_holds) needs it."""
    device_id: str
    kind: str
    first: int
    last: int
    returned_above: int | None
    series: tuple[str, int, str, str]  # (series, hall, prefix, day)


@dataclass
class IssueBatch:
    tickets: dict[str, tuple[str, str]] = field(default_factory=dict)  # ticket id → (device, display)
    leases: dict[int, Lease] = field(default_factory=dict)  # block id → its lease
    # (hall, day, series prefix, display) → the ticket holding that printed number
    taken: dict[tuple[int, dt.date, str, str], str] = field(default_factory=dict)
    walk_ins: dict[tuple[int, dt.date], list[int]] = field(default_factory=dict)  # (business, day) → [AM, PM]
    reserved: dict[tuple[int, dt.date], tuple[int, int]] = field(default_factory=dict)
    mark: int | None = None  # the hall change counter these answers hold at (None: the push's start)
    batch: list[IssueArgs] = field(default_factory=list)  # the commands the answers were loaded for

    def load(self, session: Session, batch: list[IssueArgs]) -> IssueBatch:
        self.batch = batch
        if session.new or session.dirty or session.deleted:
            session.flush()  # as the ORM's autoflush would: the Core reads below see every pending row
        run = session.connection().execute
        ids = list({a.ticket_id for a in batch})
        if ids:
            for r in run(_TICKETS_BY_ID, {"ids": ids}):
                self.tickets[r.id] = (r.device_id, r.display)
        block_ids = list({a.block_id for a in batch if a.block_id is not None})
        if block_ids:
            for r in run(_LEASES, {"ids": block_ids}):
                self.leases[r.id] = Lease(r.device_id, r.kind, r.first, r.last, r.returned_above, series_key(r))
        if batch:
            days, displays = list({a.day for a in batch}), list({a.display for a in batch})
            for r in run(_PRINTED, {"days": days, "displays": displays}):
                self.taken[(r.hall_id, r.day, r.series_prefix, r.display)] = r.id
        return self

    def fresh(self, ctx: CommandContext) -> bool:
        return (ctx.writer.start if self.mark is None else self.mark) == ctx.writer.value

    def counts(self, session: Session, config: HallConfig, business_id: int, local: dt.datetime) -> IssuedCounts:
        """store.issued_counts, asked once per business and day and kept up to date by `accepted`."""
        key = (business_id, local.date())
        if key not in self.walk_ins:
            self.walk_ins[key] = list(store.walk_in_counts(session, config.hall_id, business_id, local.date()))
            self.reserved[key] = store.reserved_counts(session, config, business_id, local.date())
        (am, pm), (booked_am, booked_pm) = self.walk_ins[key], self.reserved[key]
        return IssuedCounts(am + pm + booked_am + booked_pm, am + booked_am, pm + booked_pm)

    def accepted(self, row: dict, local: dt.datetime) -> None:
        """A ticket of this push was accepted: later commands of the push see it (the caller moves the mark
        past the ticket's own change)."""
        self.tickets[row["id"]] = (row["device_id"], row["display"])
        self.taken[(row["hall_id"], row["day"], row["series_prefix"], row["display"])] = row["id"]
        key = (row["issued_business_id"], local.date())
        if row["appointment_id"] is not None:  # a check-in moves an appointment out of the held slots
            self.walk_ins.pop(key, None)
            self.reserved.pop(key, None)
        elif row["counts_against_quota"] and key in self.walk_ins:
            self.walk_ins[key][0 if row["is_am"] else 1] += 1


def prepare_issue(session: Session, batch: list[IssueArgs]) -> IssueBatch:
    """The push's `prepare` for queue.issue: one query each for tickets, leases and printed numbers."""
    return IssueBatch().load(session, batch)


def batch_for(session: Session, ctx: CommandContext, args: IssueArgs) -> IssueBatch:
    """The push's batch while it holds. Else (something else changed the hall since; or no push, as when a job
    issues) the deferred rows are inserted and the answers read again from the database, for the whole push."""
    batch = ctx.prepared
    if isinstance(batch, IssueBatch) and batch.fresh(ctx):
        return batch
    ctx.writer.flush_deferred()  # "none" savepoint: nothing of this command is written yet
    again = batch.batch if isinstance(batch, IssueBatch) else [args]
    fresh = IssueBatch(mark=ctx.writer.value).load(session, again)
    if isinstance(batch, IssueBatch):  # the push's later commands start from this view
        batch.__dict__.update(fresh.__dict__)
        return batch
    return fresh
