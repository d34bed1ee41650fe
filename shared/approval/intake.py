"""Handlers for intake (收件, 预受理, 补正, 受理, 不予受理) and Art. 32's deemed acceptance."""

from __future__ import annotations

from shared.approval.art32 import art32_lapsed
from shared.approval.commands import (
    Accept, DeemAccepted, PreAccept, Receive, ReceiveCorrection, RejectApplication, RequestCorrection,
)
from shared.approval.definition import ART32_DAYS, StepAction
from shared.approval.errors import ActionNotAllowed, InvalidCommand, MissingMaterials
from shared.approval.guards import (
    SYSTEM_ROLE, Context, Draft, acting_step, require_role, require_status, require_text,
)
from shared.approval.lifecycle import INTAKE, Action, CaseStatus
from shared.approval.state import CaseState

S = CaseStatus


def _materials(names: tuple[str, ...]) -> list[str]:
    return [require_text(n, "material") for n in names]


def receive(state: CaseState | None, c: Receive, ctx: Context) -> Draft:
    d = ctx.definition
    require_role(c.actor, Action.RECEIVE, {d.intake_step.role})
    return Draft(Action.RECEIVE, S.RECEIVED, (d.intake_step.name,), {
        "item_code": d.item_code, "situation_code": d.situation_code, "definition_version": d.version,
        "channel": c.channel, "town": c.town, "department": c.department, "materials": _materials(c.materials),
        "step": d.intake_step.name,
    }, {"applicant_name": c.applicant_name} if c.applicant_name else {})


def pre_accept(state: CaseState, c: PreAccept, ctx: Context) -> Draft:
    require_status(state, Action.PRE_ACCEPT, {S.RECEIVED})
    step = acting_step(state, ctx, "", Action.PRE_ACCEPT, StepAction.PRE_ACCEPT, c.actor)
    return Draft(Action.PRE_ACCEPT, S.PRE_ACCEPTED, state.current_steps, {"step": step.name})


def request_correction(state: CaseState, c: RequestCorrection, ctx: Context) -> Draft:
    require_status(state, Action.REQUEST_CORRECTION, (*INTAKE, S.IN_REVIEW))
    step = acting_step(state, ctx, c.step, Action.REQUEST_CORRECTION, StepAction.REQUEST_CORRECTION, c.actor)
    if not c.items:
        raise InvalidCommand("correction_items_required", "list every item the applicant must correct")
    items = [(require_text(i.material, "material"), require_text(i.problem, "problem")) for i in c.items]
    if len({m for m, _ in items}) != len(items):
        raise InvalidCommand("duplicate_correction_item", "a material is listed twice; merge its problems")
    if state.status in INTAKE:
        if art32_lapsed(state, ctx.day(c), ctx.calendar):
            raise ActionNotAllowed(Action.REQUEST_CORRECTION.value, "the 5 working days of Art. 32 have passed; "
                                   "the application counts as accepted", code="art32_window_passed")
        earlier = {i.material for request in state.correction_requests for i in request}
        new = sorted({m for m, _ in items} - earlier)
        if state.correction_requests and new:
            # Art. 32(4): everything to correct is told at once; a later request may only repeat
            # items the applicant has not yet put right.
            raise InvalidCommand("correction_not_at_once", "items not asked for the first time: " + ", ".join(new),
                                 new_items=new)
    return Draft(Action.REQUEST_CORRECTION, S.CORRECTION_REQUESTED, state.current_steps,
                 {"items": items, "step": step.name})


def receive_correction(state: CaseState, c: ReceiveCorrection, ctx: Context) -> Draft:
    require_status(state, Action.RECEIVE_CORRECTION, {S.CORRECTION_REQUESTED})
    require_role(c.actor, Action.RECEIVE_CORRECTION, {ctx.definition.intake_step.role})
    if not c.materials:
        raise InvalidCommand("materials_required", "name the corrected materials received")
    after = S.IN_REVIEW if state.accepted_on is not None else S.RECEIVED
    return Draft(Action.RECEIVE_CORRECTION, after, state.current_steps, {"materials": _materials(c.materials)})


def accept(state: CaseState, c: Accept, ctx: Context) -> Draft:
    require_status(state, Action.ACCEPT, INTAKE)
    step = acting_step(state, ctx, "", Action.ACCEPT, StepAction.ACCEPT, c.actor)
    have = state.materials | set(_materials(c.materials))
    missing = [m for m in ctx.definition.required_materials if m not in have]
    day = ctx.day(c)
    deemed = art32_lapsed(state, day, ctx.calendar)
    if missing and not deemed:  # once Art. 32's window has passed the law has accepted it regardless
        raise MissingMaterials(missing)
    accepted_on = state.window_start if deemed else day
    return Draft(Action.ACCEPT, S.IN_REVIEW, ctx.definition.unit_after(step.name), {
        "accepted_on": accepted_on.isoformat(), "deemed_art32": deemed, "materials": list(c.materials),
        "missing_materials": missing, "step": step.name})


def deem_accepted(state: CaseState, c: DeemAccepted, ctx: Context) -> Draft:
    """The system's sweep records what the law already says: the case counts as accepted on the day the
    materials were received. Missing materials do not matter here; that is the point of the rule."""
    require_status(state, Action.DEEMED_ACCEPTED_ART32, INTAKE)
    require_role(c.actor, Action.DEEMED_ACCEPTED_ART32, {SYSTEM_ROLE})
    if not art32_lapsed(state, ctx.day(c), ctx.calendar):
        raise ActionNotAllowed(Action.DEEMED_ACCEPTED_ART32.value, "the Art. 32 window is still open",
                               code="art32_window_open")
    first_review = ctx.definition.unit_after(ctx.definition.intake_step.name)
    deadline = ctx.calendar.add_workdays(state.window_start, ART32_DAYS)  # known: art32_lapsed checked it
    return Draft(Action.DEEMED_ACCEPTED_ART32, S.IN_REVIEW, first_review,
                 {"accepted_on": state.window_start.isoformat(), "deemed_art32": True,
                  "reason": "deemed_accepted_art32", "art32_deadline": deadline.isoformat()})


def reject_application(state: CaseState, c: RejectApplication, ctx: Context) -> Draft:
    require_status(state, Action.REJECT_APPLICATION, (*INTAKE, S.CORRECTION_REQUESTED))
    if state.accepted_on is not None:
        raise ActionNotAllowed(Action.REJECT_APPLICATION.value, "the case is already accepted; refuse it instead",
                               code="already_accepted")
    step = acting_step(state, ctx, "", Action.REJECT_APPLICATION, StepAction.REJECT_APPLICATION, c.actor)
    if art32_lapsed(state, ctx.day(c), ctx.calendar):
        raise ActionNotAllowed(Action.REJECT_APPLICATION.value, "the application counts as accepted (Art. 32); "
                               "accept it and decide", code="art32_window_passed")
    return Draft(Action.REJECT_APPLICATION, S.NOT_ACCEPTED, (), {
        "reason": require_text(c.reason, "reason"), "legal_basis": require_text(c.legal_basis, "legal_basis"),
        "step": step.name})
