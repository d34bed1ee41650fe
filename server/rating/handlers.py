"""Sync command handlers of the 差评 loop: `rating.<action>` on a record (the shared rules decide, with the
signed-in staff member as the actor and the command's base checked), and `rating.rate_case` (一事一评)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.approval.models import ApprovalCase
from server.rating import store
from server.rating.case_ratings import rate_case, reject
from server.rating.models import CaseRating, CaseRatingAsk
from server.sync.registry import CommandContext, CommandSpec, Registry, Rejected
from shared.db.models import ServiceItem, StaffUser, Window
from shared.errors import DomainError
from shared.protocol import rating as wire
from shared.rating.case_rating import CaseRatingRefused, check_case_asked
from shared.rating.rectification import Actor, apply


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
        store.save(session, ctx.publish, row, record)
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
    by = ctx.device.user or ""
    if ctx.device.kind == "evaluator":  # the citizen at the counter: only the case asked at this window
        ask = session.get(CaseRatingAsk, ctx.device.window_id) if ctx.device.window_id is not None else None
        if ask is None or ask.case_id != case.id:
            raise reject("case_not_asked", 403, case=case.case_number)
        by = ask.asked_by  # the clerk who served the citizen at this window
    result = rate_case(session, ctx.publish, case, rating_id=args.rating_id, level=args.level, reason=args.reason,
                       at=_moment(ctx, args.at), by=by)
    for ask in session.scalars(select(CaseRatingAsk).where(CaseRatingAsk.case_id == case.id,
                                                           CaseRatingAsk.state == "open")):
        _save_ask(ctx, ask, state="rated", rating_id=args.rating_id)  # the evaluator stops asking
    return result


def _save_ask(ctx: CommandContext, ask: CaseRatingAsk, **changes) -> None:  # noqa: ANN003
    for name, value in changes.items():
        setattr(ask, name, value)
    ask.row = {**ask.row, **changes}
    ctx.publish(wire.CASE_ASK_TABLE, str(ask.window_id), ask.row)


def handle_ask_case(session: Session, ctx: CommandContext, args: wire.AskCaseArgs, base: dict | None) -> dict:
    """A clerk at a window finished (办结) the case of the citizen at the counter: that window's evaluator asks
    the citizen to rate it (shared.rating.case_rating.check_case_asked: a finished case, not yet rated)."""
    window_id = args.window_id if args.window_id is not None else ctx.device.window_id
    if window_id is None:
        raise reject("window_required", 409)
    if ctx.device.window_id is not None and ctx.device.window_id != window_id:  # as the queue's own commands
        raise reject("window_not_yours", 403, window=window_id, device_window=ctx.device.window_id)
    window = session.get(Window, window_id)
    if window is None or window.hall_id != ctx.device.hall_id:
        raise reject("unknown_window", 404, window=window_id)
    case = session.get(ApprovalCase, args.case_id)
    if case is None:
        raise reject("unknown_case", 404, case_id=args.case_id)
    if case.hall_id != ctx.device.hall_id:
        raise reject("wrong_hall", 403)
    try:
        check_case_asked(case.status, session.scalar(select(CaseRating.id).where(CaseRating.case_id == case.id))
                         is not None)
    except CaseRatingRefused as exc:
        raise reject(exc.code, 409, case=case.case_number) from None
    item = session.scalar(select(ServiceItem.name).where(ServiceItem.code == case.item_code)) or case.item_code
    at = _moment(ctx, args.at)
    row = wire.case_ask_row(ask_id=args.ask_id, hall_id=case.hall_id, window_id=window_id,
                            case_id=case.id, case_number=case.case_number, item_name=item, at=at)
    ask = session.get(CaseRatingAsk, window_id)
    if ask is None:
        ask = CaseRatingAsk(window_id=window_id)
        session.add(ask)
    ask.hall_id, ask.ask_id, ask.case_id, ask.asked_by, ask.at = (case.hall_id, args.ask_id, case.id,
                                                                  ctx.device.user or "", at)
    ask.state, ask.rating_id, ask.row = "open", None, row
    ctx.publish(wire.CASE_ASK_TABLE, str(window_id), row)
    return {"window_id": window_id, "reference": row["reference"]}


def register(registry: Registry) -> None:
    for name in wire.ACTION_COMMANDS:
        registry.register(CommandSpec(name, wire.VERSION, wire.COMMANDS[name],
                                      make_action(name.removeprefix(wire.PREFIX)), kinds={"workstation"},
                                      roles={"clerk", "approver", "supervisor"}, savepoint="orm",
                                      rejection=rejected_from))
    registry.register(CommandSpec("rating.rate_case", wire.VERSION, wire.RateCaseArgs, handle_rate_case,
                                  kinds={"workstation", "evaluator"}, savepoint="orm", rejection=rejected_from))
    registry.register(CommandSpec("rating.ask_case", wire.VERSION, wire.AskCaseArgs, handle_ask_case,
                                  kinds={"workstation"}, roles={"clerk"}, savepoint="orm", rejection=rejected_from))
