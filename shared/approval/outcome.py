"""Handlers after the decision (制证, 发证, 办结, 送达) and the ways a case ends early (撤回, 终止)."""

from __future__ import annotations

import re

from shared.approval.commands import Close, Deliver, IssueLicence, MakeLicence, Terminate, Withdraw
from shared.approval.definition import StepAction
from shared.approval.errors import InvalidCommand
from shared.approval.guards import (
    TERMINATE_ROLES, Context, Draft, acting_step, require_role, require_status, require_text,
)
from shared.approval.lifecycle import BEFORE_DECISION, Action, CaseStatus
from shared.approval.state import CaseState
from shared.validation import InvalidIdentifier, check_resident_id, mask_name, mask_resident_id

S = CaseStatus
_TRACKING_NO = re.compile(r"[A-Za-z0-9]{8,30}")


def make_licence(state: CaseState, c: MakeLicence, ctx: Context) -> Draft:
    require_status(state, Action.MAKE_LICENCE, {S.DECIDED_GRANTED})
    step = acting_step(state, ctx, "", Action.MAKE_LICENCE, StepAction.MAKE_LICENCE, c.actor)
    return Draft(Action.MAKE_LICENCE, S.LICENCE_MADE, state.current_steps,
                 {"step": step.name, "licence_no": require_text(c.licence_no, "licence_no")})


def issue_licence(state: CaseState, c: IssueLicence, ctx: Context) -> Draft:
    require_status(state, Action.ISSUE_LICENCE, {S.LICENCE_MADE})
    step = acting_step(state, ctx, "", Action.ISSUE_LICENCE, StepAction.ISSUE_LICENCE, c.actor)
    return Draft(Action.ISSUE_LICENCE, S.LICENCE_ISSUED, ctx.definition.unit_after(step.name), {"step": step.name})


def close(state: CaseState, c: Close, ctx: Context) -> Draft:
    ready = {S.LICENCE_ISSUED, S.DECIDED_REFUSED}
    if not ctx.definition.issues_licence:
        ready.add(S.DECIDED_GRANTED)
    require_status(state, Action.CLOSE, ready)
    step = acting_step(state, ctx, "", Action.CLOSE, StepAction.CLOSE, c.actor)
    return Draft(Action.CLOSE, S.CLOSED, ctx.definition.unit_after(step.name), {"step": step.name})


def deliver(state: CaseState, c: Deliver, ctx: Context) -> Draft:
    require_status(state, Action.DELIVER, {S.CLOSED})
    step = acting_step(state, ctx, "", Action.DELIVER, StepAction.DELIVER, c.actor)
    if c.method == "counter":
        name = require_text(c.receiver_name, "receiver_name")
        try:
            receiver = check_resident_id(c.receiver_id, today=ctx.day(c))
        except InvalidIdentifier as exc:
            raise InvalidCommand("bad_receiver_id", f"receiver ID number: {exc.message}",
                                 reason=exc.code) from None
        return Draft(Action.DELIVER, S.DELIVERED, (), {
            "step": step.name, "method": "counter", "receiver_name_masked": mask_name(name),
            "receiver_id_masked": mask_resident_id(receiver.number)},
            {"receiver_name": name, "receiver_id": receiver.number})
    if c.method == "post":
        if not _TRACKING_NO.fullmatch((c.tracking_no or "").strip()):
            raise InvalidCommand("bad_tracking_no", "a postal tracking number is 8 to 30 letters or digits")
        return Draft(Action.DELIVER, S.DELIVERED, (), {"step": step.name, "method": "post",
                                                        "tracking_no": c.tracking_no.strip()})
    raise InvalidCommand("bad_delivery_method", "delivery is by counter pickup or by post", method=c.method)


def withdraw(state: CaseState, c: Withdraw, ctx: Context) -> Draft:
    """The applicant's written request, recorded at the counter."""
    require_status(state, Action.WITHDRAW, BEFORE_DECISION)
    require_role(c.actor, Action.WITHDRAW, {ctx.definition.intake_step.role})
    return Draft(Action.WITHDRAW, S.WITHDRAWN, (), {"reason": require_text(c.reason, "reason")})


def terminate(state: CaseState, c: Terminate, ctx: Context) -> Draft:
    require_status(state, Action.TERMINATE, BEFORE_DECISION)
    require_role(c.actor, Action.TERMINATE, TERMINATE_ROLES)
    return Draft(Action.TERMINATE, S.TERMINATED, (), {
        "reason": require_text(c.reason, "reason"), "legal_basis": require_text(c.legal_basis, "legal_basis")})
