"""`queue.rate`: the evaluator's rating of one finished visit; a 差评 opens a rectification due a number of
working days later (shared/queue/ratings)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.queue import store
from server.queue.config import load_hall_config, work_calendar
from server.queue.errors import reject
from server.queue.models import QueueRating, QueueTicket
from server.rating import store as rectifications
from server.sync.registry import CommandContext
from shared.calendar import CalendarNotPublished
from shared.db.models import Business
from shared.protocol.queue import RateArgs
from shared.queue import ratings
from shared.queue.clock import CHINA_TZ


def handle_rate(session: Session, ctx: CommandContext, args: RateArgs, base: dict | None) -> dict:
    known = session.get(QueueRating, args.rating_id)
    if known is not None:
        if known.ticket_id == args.ticket_id:
            return {"rating_id": known.id, "duplicate": True}
        raise reject("rating_id_conflict", rating_id=args.rating_id)
    row = session.get(QueueTicket, args.ticket_id)
    if row is None or row.hall_id != ctx.device.hall_id:
        raise reject("unknown_ticket", status=404, ticket_id=args.ticket_id)
    if session.scalar(select(QueueRating.id).where(QueueRating.ticket_id == row.id)) is not None:
        raise reject("rating_exists", ticket=row.display)
    ticket = store.ticket_of(row)
    visit = ratings.visit_of(dataclasses.replace(ticket, clerk_id=ticket.clerk_id or args.clerk))
    if visit.window_id != args.window_id:
        raise reject("ticket_at_other_window", ticket=row.display, window=args.window_id, at_window=visit.window_id)
    rules = load_hall_config(session, ctx.device.hall_id).rules.rating
    at = args.at.astimezone(dt.timezone.utc)
    if args.level is None:  # the evaluator timed out: "not rated" is recorded whenever it arrives
        rating = ratings.Rating(visit, None, max(at, visit.finished_at))
    else:
        rating = ratings.rate(visit, ratings.RatingLevel(args.level), at, rules, args.reason)
    due = None
    if rating.is_bad:
        local = dataclasses.replace(rating, recorded_at=rating.recorded_at.astimezone(CHINA_TZ))
        try:
            due = ratings.open_rectification(local, work_calendar(session), rules).due_on
        except CalendarNotPublished:
            due = None  # the year's calendar is not entered yet: the supervisor sets the date by hand
    saved = QueueRating(id=args.rating_id, hall_id=row.hall_id, ticket_id=row.id, business_id=row.business_id,
                        window_id=visit.window_id, clerk=args.clerk, level=args.level, reason=rating.reason,
                        at=rating.recorded_at, finished_at=visit.finished_at, rectification_due=due)
    session.add(saved)
    ctx.publish("queue_rating", saved.id, store.rating_row(saved))
    record = None
    if rating.is_bad:  # the 差评 loop: a record assigned to the department of the business served
        department = session.scalar(select(Business.department_id).where(Business.id == row.business_id))
        record = rectifications.open_for(
            session, ctx.publish, ctx.device.hall_id, rating_id=saved.id, source="ticket", subject_id=row.id,
            subject=row.display, department_id=department, window_id=visit.window_id, clerk=args.clerk,
            level=args.level, reason=rating.reason, rated_at=rating.recorded_at, workdays=rules.rectification_workdays,
            calendar=work_calendar(session))
    return {"rating_id": saved.id, "rectification_due": due.isoformat() if due else None,
            "record_id": record["id"] if record else None}
