"""催办督办: urging (a recorded message to the current handlers), supervision (a leader's instruction that
the handler must answer in writing) and marking a case urgent (急件). They never move the case."""

from __future__ import annotations

from shared.approval.commands import MarkUrgent, ReplySupervision, Supervise, Urge
from shared.approval.errors import ActionNotAllowed, InvalidCommand
from shared.approval.guards import SUPERVISOR_ROLES, Context, Draft, require_role, require_status, require_text
from shared.approval.lifecycle import OPEN, Action
from shared.approval.state import CaseState


def _steps(state: CaseState, action: Action) -> tuple[str, ...]:
    if not state.current_steps:
        raise ActionNotAllowed(action.value, "no step is active: nobody to address", code="no_active_step")
    return state.current_steps


def urge(state: CaseState, c: Urge, ctx: Context) -> Draft:
    require_status(state, Action.URGE, OPEN)
    require_role(c.actor, Action.URGE, SUPERVISOR_ROLES)
    return Draft(Action.URGE, state.status, state.current_steps,
                 {"message": require_text(c.message, "message"), "steps": list(_steps(state, Action.URGE))})


def supervise(state: CaseState, c: Supervise, ctx: Context) -> Draft:
    require_status(state, Action.SUPERVISE, OPEN)
    require_role(c.actor, Action.SUPERVISE, SUPERVISOR_ROLES)
    if c.reply_within_days < 1:
        raise InvalidCommand("bad_reply_period", "the handler needs at least 1 working day to reply")
    return Draft(Action.SUPERVISE, state.status, state.current_steps, {
        "supervision_id": f"{state.case_id}#{state.version + 1}",  # the event's own seq: unique in the case
        "message": require_text(c.message, "message"), "reply_within_days": c.reply_within_days,
        "steps": list(_steps(state, Action.SUPERVISE))})


def reply_supervision(state: CaseState, c: ReplySupervision, ctx: Context) -> Draft:
    require_status(state, Action.REPLY_SUPERVISION, OPEN)
    sup = next((s for s in state.supervisions if s.supervision_id == c.supervision_id), None)
    if sup is None or not sup.is_open:
        raise ActionNotAllowed(Action.REPLY_SUPERVISION.value, "no open supervision with that id",
                               code="no_open_supervision", supervision_id=c.supervision_id)
    require_role(c.actor, Action.REPLY_SUPERVISION, {ctx.definition.step(s).role for s in sup.steps})
    return Draft(Action.REPLY_SUPERVISION, state.status, state.current_steps,
                 {"supervision_id": sup.supervision_id, "reply": require_text(c.reply, "reply")})


def mark_urgent(state: CaseState, c: MarkUrgent, ctx: Context) -> Draft:
    require_status(state, Action.MARK_URGENT, OPEN)
    require_role(c.actor, Action.MARK_URGENT, SUPERVISOR_ROLES)
    if state.urgent:
        raise ActionNotAllowed(Action.MARK_URGENT.value, "the case is already urgent", code="already_urgent")
    reason = require_text(c.reason, "reason")
    return Draft(Action.MARK_URGENT, state.status, state.current_steps, {"reason": reason})
