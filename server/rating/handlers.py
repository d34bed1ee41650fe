"""Sync command handlers of the 差评 loop: `rating.<action>` on a record (the shared rules decide, with the
signed-in staff member as the actor and the command's base checked), and `rating.rate_case` (一事一评)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.approval.models import ApprovalCase
from server.queue.config import load_hall_config, work_calendar
from server.rating import store
from server.rating.models import CaseRating
from server.sync.registry import CommandContext, CommandSpec, Registry, Rejected
from shared.approval.lifecycle import CaseStatus
from shared.db.models import ServiceItem, StaffUser
from shared.errors import DomainError
from shared.protocol import rating as wire
from shared.rating.messages import message
from shared.rating.rectification import Actor, apply
from shared.rating.statistics import BAD

RATEABLE_CASES = frozenset({CaseStatus.CLOSED.value, CaseStatus.DELIVERED.value})  # after 办结


def reject(code: str, http: int = 409, **details) -> Rejected:  # noqa: ANN003
    return Rejected(code, message(code), status=http, **details)


def rejected_from(error: DomainError) -> Rejected:
    details = {k: v for k, v in error.details.items() if k != "code"}
    return reject(error.code, 422 if error.code in ("text_required", "text_too_long") else 409, **details)


def actor_of(session: Session, ctx: CommandContext) -> Actor:
    """The staff member signed in on the workstation (never the client's word), with their department."""
    if ctx.device.user is None:
        raise reject("staff_login_required", 403)
    department = session.scalar(select(StaffUser.department_id).where(StaffUser.username == ctx.device.user))
    return Actor(ctx.device.user, frozenset(ctx.device.roles), department)


def _moment(ctx: CommandContext, at: dt.datetime) -> dt.datetime:
    """The author's time, never later than the server's (a fast clock cannot date work in the future)."""
    return min(at, ctx.now)


def make_action(action: str):  # noqa: ANN201
    def handle(session: Session, ctx: CommandContext, args: wire.RecordArgs, base: dict | None) -> dict:
        try:
            parsed = wire.Base.model_validate(base or {})
        except ValueError:
            raise reject("base_required", 422) from None
        row = store.locked(session, args.record_id)
        if row is None:
            raise reject("unknown_record", 404, record_id=args.record_id)
        if row.hall_id != ctx.device.hall_id:
            raise reject("wrong_hall", 403)
        fields = args.model_dump(exclude={"record_id", "at"})
        record = apply(row.row, action, fields, actor_of(session, ctx), _moment(ctx, args.at), parsed.model_dump())
        store.save(session, ctx, row, record)
        return {"record_id": record["id"], "version": record["version"], "status": record["status"]}

    return handle


def handle_rate_case(session: Session, ctx: CommandContext, args: wire.RateCaseArgs, base: dict | None) -> dict:
    known = session.get(CaseRating, args.rating_id)
    if known is not None:
        if known.case_id == args.case_id:
            return {"rating_id": known.id, "duplicate": True}
        raise reject("rating_id_conflict", rating_id=args.rating_id)
    case = session.get(ApprovalCase, args.case_id)
    if case is None:
        raise reject("unknown_case", 404, case_id=args.case_id)
    if case.hall_id != ctx.device.hall_id:
        raise reject("wrong_hall", 403)
    if case.status not in RATEABLE_CASES:
        raise reject("case_not_closed", case_status=case.status)
    if session.scalar(select(CaseRating.id).where(CaseRating.case_id == case.id)) is not None:
        raise reject("case_rating_exists", case=case.case_number)
    reason = args.reason.strip()
    if args.level in BAD and not reason:
        raise reject("bad_rating_needs_reason", 422)
    at = _moment(ctx, args.at)
    by = ctx.device.user or ""
    saved = CaseRating(id=args.rating_id, hall_id=case.hall_id, case_id=case.id, level=args.level, reason=reason,
                       at=at, by=by)
    session.add(saved)
    ctx.publish(wire.CASE_RATING_TABLE, saved.id, wire.case_rating_row(
        rating_id=saved.id, hall_id=saved.hall_id, case_id=case.id, level=args.level, reason=reason, at=at, by=by))
    result: dict = {"rating_id": saved.id, "record_id": None}
    if args.level in BAD:
        department = session.scalar(select(ServiceItem.department_id).where(ServiceItem.code == case.item_code))
        rules = load_hall_config(session, case.hall_id).rules.rating
        record = store.open_for(session, ctx, rating_id=saved.id, source="case", subject_id=case.id,
                                subject=case.case_number, department_id=department, window_id=None, clerk=by,
                                level=args.level, reason=reason, rated_at=at,
                                workdays=rules.rectification_workdays, calendar=work_calendar(session))
        result["record_id"] = record["id"]
    return result


def register(registry: Registry) -> None:
    for name in wire.ACTION_COMMANDS:
        registry.register(CommandSpec(name, wire.VERSION, wire.COMMANDS[name],
                                      make_action(name.removeprefix(wire.PREFIX)), kinds={"workstation"},
                                      roles={"clerk", "approver", "supervisor"}, savepoint="orm",
                                      rejection=rejected_from))
    registry.register(CommandSpec("rating.rate_case", wire.VERSION, wire.RateCaseArgs, handle_rate_case,
                                  kinds={"workstation", "evaluator"}, savepoint="orm", rejection=rejected_from))
