"""`queue.call_next`: a counter online asks the server to call the next ticket for its window. The server
decides from its own rows with the shared rule (shared.queue.desk.call_next over shared.queue.calling), inside
the push's transaction — which holds the hall's change counter, so calls of one hall are decided one after
another and two windows never get the same ticket. Nothing is lost to a race: there is no claim to lose.

The answer carries the rows the call changed (`rows`: the ticket, the window, the call record, the badge), as
the counter's next pull would bring them: the counter overlays them on its cache at once (shared.sync.outbox),
so its calling panel shows the called ticket without waiting for that pull. A replay of the command (same
device seq and command id) answers the stored result: the same ticket, called once.

Offline the counter decides from its cache and claims with `queue.call` (server/queue/desk.py), as before."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import bindparam, func, literal_column, or_, select, true, union_all
from sqlalchemy.orm import Session, aliased

from server.queue import badges, closing, store
from server.queue.config import load_hall_config
from server.queue.desk import _publish_ticket, _record_call, _set_current, _window
from server.queue.errors import reject
from server.queue.models import QueueTicket
from server.sync.registry import CommandContext
from shared.db.models import Business
from server.sync.visibility import hidden_tables, visible_key, visible_row
from shared.protocol.queue import CallNextArgs
from shared.protocol.queue_rows import stamp_of
from shared.queue import desk
from shared.queue.calling import contenders, overdue_before_ms
from shared.queue.clock import CHINA_TZ
from shared.queue.printing import PrintState
from shared.queue.tickets import PriorityClass
from shared.sync.hlc import decode

# An online request arrives within a second or two of its command's HLC stamp (the counter's clock corrected
# by the server offset it measured, never behind it). One that comes later was held up by the network, and
# the counter has meanwhile called from its own view.
STALE_AFTER = dt.timedelta(seconds=15)


def handle_call_next(session: Session, ctx: CommandContext, args: CallNextArgs, base: dict | None) -> dict:
    at = args.at.astimezone(dt.timezone.utc)
    sent = dt.datetime.fromtimestamp(decode(ctx.hlc)[0] / 1000, dt.timezone.utc)
    if ctx.now - sent > STALE_AFTER:
        raise reject("call_next_stale", window=args.window_id, sent_at=sent.isoformat(),
                     received_at=ctx.now.isoformat())
    config = load_hall_config(session, ctx.device.hall_id)
    window = _window(config, ctx, args.window_id)
    state = store.window_state(session, ctx.device.hall_id, window.id)
    rows = _candidate_rows(session, ctx.device.hall_id, window, at, config.rules.calling)
    tickets = [store.ticket_of(r) for r in rows.values()] + store.tickets_at_window(session, window.id)
    result = desk.call_next(window, store.status_of(state), tickets, at, config.rules.calling,
                            clerk_id=ctx.device.user)
    row = rows[result.ticket.id]
    closing.check_may_call(config, row, at)
    store.save_ticket(row, result.ticket, ctx.now)
    store.save_status(state, result.status)
    reasons = [r.to_dict() for r in result.decision.reasons][:10]
    _record_call(session, ctx, args.call_id, row.display, row.id, window, "call", "next", at, True, reasons)
    _publish_ticket(ctx, row)
    _set_current(session, ctx, window.id, row.id, at)
    badges.seat(session, ctx, window.id, row.clerk, row.day)
    return {"ticket_id": row.id, "display": row.display, "window_id": window.id, "state": row.state,
            "reasons": reasons, "rows": changed_rows(ctx)}


def changed_rows(ctx: CommandContext) -> list[dict]:
    """The rows this command published, as the sending device reads them in a pull (server.sync.visibility)."""
    device = ctx.device
    return [{"table": c["tbl"], "pk": c["pk"], "row": visible_row(device.kind, c["tbl"], c["row"], device.window_id)}
            for c in ctx.changes if c["tbl"] not in hidden_tables(device.kind)
            and visible_key(device.kind, device.window_id, c["tbl"], c["pk"])]


def _sql(value: str | int):  # noqa: ANN202 - a literal column
    """One of our own constants, written into the statement: a bound list (an expanding IN) is rebuilt on
    every execution."""
    return literal_column(f"'{value}'" if isinstance(value, str) else str(int(value)))


_CALLABLE = [_sql(p.value) for p in PrintState if p.callable]


def _waiting(t):  # noqa: ANN001, ANN202 - QueueTicket or an alias; its where-clauses
    """The waiting tickets of the hall's day the window may call: untargeted or sent to it, and printed."""
    return (t.hall_id == bindparam("hall_id"), t.day == bindparam("day"), t.state == _sql("waiting"),
            or_(t.target_window_id.is_(None), t.target_window_id == bindparam("window_id")),
            t.print_state.in_(_CALLABLE))


def _heads_statement():  # noqa: ANN202 - a Select
    """Per business the window serves and per priority class: the ms of the first in line, and of the first not
    yet overdue. Each is a min() the database answers from ix_queue_ticket_line with one seek, however long
    the line (a GROUP BY read every waiting ticket: 3.3 ms per call with 2,000 waiting)."""
    classes = union_all(*(select(_sql(c).label("klass")) for c in PriorityClass)).subquery("classes")

    def head(fresh: bool):  # noqa: ANN202
        t = aliased(QueueTicket)
        where = (*_waiting(t), t.business_id == Business.id, t.priority_class == classes.c.klass)
        if fresh:
            where += (t.line_ms >= bindparam("fresh_from_ms"),)
        return select(func.min(t.line_ms)).where(*where).scalar_subquery()

    return (select(Business.id, classes.c.klass, head(False), head(True))
            .select_from(Business).join(classes, true())  # every class of every business asked
            .where(Business.id.in_(bindparam("businesses", expanding=True))))


# Two statements, not one join: joined to the tickets, PostgreSQL planned the heads' aggregate inside a nested
# loop whenever its statistics lagged the morning's tickets (as they do), recomputing it for every waiting
# ticket: 0.6 s per call with 700 waiting, and every call of the hall queued behind it (issue 19).
_HEADS = _heads_statement()
_AT_INSTANTS = select(QueueTicket).where(
    *_waiting(QueueTicket), QueueTicket.business_id.in_(bindparam("businesses", expanding=True)),
    QueueTicket.priority_class.in_([_sql(c) for c in PriorityClass]),
    QueueTicket.line_ms.in_(bindparam("instants", expanding=True)))


def _candidate_rows(session: Session, hall_id: int, window, at: dt.datetime, rules) -> dict[str, QueueTicket]:  # noqa: ANN001
    """The waiting tickets of today the window may call that the rule can pick (shared.queue.calling.contenders):
    the database finds, per business and class, the earliest place in line and the earliest not yet overdue;
    only the tickets at those instants are loaded (ties included), and `contenders` settles the exact order."""
    params = {"hall_id": hall_id, "day": at.astimezone(CHINA_TZ).date(), "window_id": window.id,
              "fresh_from_ms": overdue_before_ms(at, rules)}
    businesses = sorted({s.business_id for s in window.services})
    heads = {(b, c, ms) for b, c, *instants in session.execute(_HEADS, {**params, "businesses": businesses})
             for ms in instants if ms is not None}
    if not heads:
        return {}
    rows = [r for r in session.scalars(_AT_INSTANTS, {**params, "businesses": businesses,
                                                      "instants": sorted({h[2] for h in heads})})
            if (r.business_id, r.priority_class, r.line_ms) in heads]
    entries = [((r.business_id, r.priority_class), (stamp_of(r.queue_key), r.id), r.id) for r in rows]
    wanted = contenders(entries, at, rules)
    return {r.id: r for r in rows if r.id in wanted}
