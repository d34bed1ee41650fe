"""Handlers for the review phase: pass, return, special procedures (Art. 45), extension (Art. 42),
and the decision (grant / refuse)."""

from __future__ import annotations

from shared.approval.clocks import Card, statutory_clock
from shared.approval.commands import EndSpecialProcedure, Extend, Grant, PassStep, Refuse, ReturnToStep, \
    StartSpecialProcedure
from shared.approval.definition import SPECIAL_PROCEDURE_CATEGORIES, JoinRule, StepAction
from shared.approval.errors import ActionNotAllowed, InvalidCommand
from shared.approval.guards import Context, Draft, acting_step, require_role, require_status, require_text
from shared.approval.lifecycle import Action, CaseStatus
from shared.approval.state import SPECIAL, CaseState

S = CaseStatus


def pass_step(state: CaseState, c: PassStep, ctx: Context) -> Draft:
    require_status(state, Action.PASS_STEP, {S.IN_REVIEW})
    step = acting_step(state, ctx, c.step, Action.PASS_STEP, StepAction.PASS, c.actor)
    require_text(c.opinion, "opinion")
    d = ctx.definition
    payload: dict[str, object] = {"step": step.name}
    if step.join is JoinRule.ALL:
        remaining = tuple(s for s in state.current_steps if s != step.name)
        after = remaining or d.unit_after(step.name)
    else:
        after = d.unit_after(step.name)
        skipped = [s for s in state.current_steps if s != step.name]
        if skipped:  # join "any": the first pass settles the group
            payload["skipped"] = skipped
    return Draft(Action.PASS_STEP, S.IN_REVIEW, after, payload)


def return_to_step(state: CaseState, c: ReturnToStep, ctx: Context) -> Draft:
    require_status(state, Action.RETURN_TO_STEP, {S.IN_REVIEW})
    step = acting_step(state, ctx, c.step, Action.RETURN_TO_STEP, StepAction.RETURN, c.actor)
    require_text(c.opinion, "opinion")
    if c.target not in step.return_to:
        raise ActionNotAllowed(Action.RETURN_TO_STEP.value, f"{step.name!r} may return only to "
                               f"{', '.join(step.return_to)}", code="bad_return_target", target=c.target)
    return Draft(Action.RETURN_TO_STEP, S.IN_REVIEW, ctx.definition.group_of(c.target),
                 {"step": step.name, "target": c.target})


def start_special_procedure(state: CaseState, c: StartSpecialProcedure, ctx: Context) -> Draft:
    require_status(state, Action.START_SPECIAL_PROCEDURE, {S.IN_REVIEW})
    step = acting_step(state, ctx, c.step, Action.START_SPECIAL_PROCEDURE, StepAction.SPECIAL_PROCEDURE, c.actor)
    if c.category not in SPECIAL_PROCEDURE_CATEGORIES:
        raise InvalidCommand("bad_special_procedure_category", f"unknown category {c.category!r}",
                             allowed=sorted(SPECIAL_PROCEDURE_CATEGORIES))
    if c.expected_days < 1:
        raise InvalidCommand("expected_days_required", "tell the applicant how long it takes (Art. 45)")
    # The whole case waits, parallel branches included: the statutory clock is the case's, not a step's.
    return Draft(Action.START_SPECIAL_PROCEDURE, S.SPECIAL_PROCEDURE, state.current_steps, {
        "step": step.name, "category": c.category, "expected_days": c.expected_days,
        "reason": require_text(c.reason, "reason")})


def end_special_procedure(state: CaseState, c: EndSpecialProcedure, ctx: Context) -> Draft:
    require_status(state, Action.END_SPECIAL_PROCEDURE, {S.SPECIAL_PROCEDURE})
    stop = next(s for s in state.stops if s.kind == SPECIAL and s.ended_on is None)
    require_role(c.actor, Action.END_SPECIAL_PROCEDURE, {ctx.definition.step(stop.step or "").role})
    return Draft(Action.END_SPECIAL_PROCEDURE, S.IN_REVIEW, state.current_steps,
                 {"step": stop.step, "result": require_text(c.result, "result")})


def extend(state: CaseState, c: Extend, ctx: Context) -> Draft:
    """Art. 42: once, by the head, with a written reason, while the period is still running."""
    require_status(state, Action.EXTEND, {S.IN_REVIEW, S.SPECIAL_PROCEDURE, S.CORRECTION_REQUESTED})
    d, action = ctx.definition, Action.EXTEND.value
    if state.accepted_on is None:
        raise ActionNotAllowed(action, "the statutory period has not started", code="not_accepted_yet")
    require_role(c.actor, Action.EXTEND, d.extension_roles)
    if not any(d.step(s).allows(StepAction.EXTEND) for s in state.current_steps):
        raise ActionNotAllowed(action, "no active step allows extension", code="action_not_allowed_at_step")
    if state.extension_days:
        raise ActionNotAllowed(action, "the period was already extended once", code="already_extended")
    if not 1 <= c.days <= d.max_extension_days:
        raise InvalidCommand("extension_too_long", f"an extension is 1 to {d.max_extension_days} working days",
                             days=c.days, max_days=d.max_extension_days)
    clock = statutory_clock(state, d, ctx.day(c), ctx.calendar)
    if clock is not None and clock.card is Card.RED and not clock.provisional:
        raise ActionNotAllowed(action, "the statutory period has already run out", code="period_expired")
    return Draft(Action.EXTEND, state.status, state.current_steps,
                 {"days": c.days, "reason": require_text(c.reason, "reason")})


def grant(state: CaseState, c: Grant, ctx: Context) -> Draft:
    require_status(state, Action.GRANT, {S.IN_REVIEW})
    step = acting_step(state, ctx, c.step, Action.GRANT, StepAction.GRANT, c.actor)
    require_text(c.opinion, "opinion")
    return Draft(Action.GRANT, S.DECIDED_GRANTED, ctx.definition.unit_after(step.name), {"step": step.name})


def refuse(state: CaseState, c: Refuse, ctx: Context) -> Draft:
    require_status(state, Action.REFUSE, {S.IN_REVIEW})
    step = acting_step(state, ctx, c.step, Action.REFUSE, StepAction.REFUSE, c.actor)
    close_step = next(s.name for s in ctx.definition.steps if s.allows(StepAction.CLOSE))
    return Draft(Action.REFUSE, S.DECIDED_REFUSED, (close_step,), {  # no licence is made: straight to 办结
        "step": step.name, "reason": require_text(c.reason, "reason"),
        "legal_basis": require_text(c.legal_basis, "legal_basis")})
