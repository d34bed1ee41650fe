"""Handlers after the decision (制证, 发证, 办结, 送达) and the ways a case ends early (撤回, 终止)."""

from __future__ import annotations

import re

import datetime as dt
from collections.abc import Callable

from shared.approval.commands import Close, Deliver, IssueLicence, MakeLicence, ServeNotice, Terminate, Withdraw
from shared.approval.definition import StepAction, WorkflowDefinition
from shared.approval.errors import InvalidCommand
from shared.approval.guards import (
    TERMINATE_ROLES, Context, Draft, acting_step, require_role, require_status, require_text,
)
from shared.approval.lifecycle import BEFORE_DECISION, Action, CaseStatus
from shared.approval.state import SPECIAL, CaseState
from shared.crypto.sm2 import verify_digest
from shared.validation import InvalidIdentifier, check_resident_id, mask_name, mask_resident_id

S = CaseStatus
MAX_LICENCE_NO = 60  # the case's licence_no column and shared.licences.MAX_NUMBER
_TRACKING_NO = re.compile(r"[A-Za-z0-9]{8,30}")


def make_licence(state: CaseState, c: MakeLicence, ctx: Context) -> Draft:
    require_status(state, Action.MAKE_LICENCE, {S.DECIDED_GRANTED})
    step = acting_step(state, ctx, "", Action.MAKE_LICENCE, StepAction.MAKE_LICENCE, c.actor)
    # An empty number means "by the item's numbering rule": the server takes the next one of the series before
    # this runs (server.approval.handlers); an offline workstation records "" until the sync brings the number.
    number = (c.licence_no or "").strip()
    if len(number) > MAX_LICENCE_NO:
        raise InvalidCommand("licence_no_too_long", f"a licence number has at most {MAX_LICENCE_NO} characters",
                             max_length=MAX_LICENCE_NO)
    return Draft(Action.MAKE_LICENCE, S.LICENCE_MADE, state.current_steps, {"step": step.name, "licence_no": number})


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


# 送达 ways (Administrative Licensing Law Art. 44 and the Civil Procedure Law's forms of service).
SERVICE_METHODS = {"direct": "直接送达", "post": "邮寄送达", "electronic": "电子送达", "public": "公告送达"}


def _last_special(s: CaseState) -> dt.date | None:
    return max((x.started_on for x in s.stops if x.kind == SPECIAL), default=None)


def _last_correction(s: CaseState) -> dt.date | None:
    return max((x.started_on for x in s.stops if x.kind != SPECIAL), default=None)


# The notices a case can have served (NoticeKind values of shared.notices) and the earliest day each one
# exists, from the state; None: the case has no such notice (yet).
SERVABLE: dict[str, Callable[[CaseState], dt.date | None]] = {
    "acceptance": lambda s: s.accepted_on,
    "correction": lambda s: _last_correction(s) if s.correction_requests else None,
    "refusal_of_acceptance": lambda s: s.ended_on if s.status is S.NOT_ACCEPTED else None,
    "special_procedure": _last_special,
    "extension": lambda s: s.received_on if s.extension_days else None,
    "grant": lambda s: s.decided_on if s.decision == "granted" else None,
    "refusal": lambda s: s.decided_on if s.decision == "refused" else None,
}


def serving_roles(definition: WorkflowDefinition) -> frozenset[str]:
    """Who records a 送达: any staff role holding a step of the item's workflow."""
    return frozenset(s.role for s in definition.steps)


def serve_notice(state: CaseState, c: ServeNotice, ctx: Context) -> Draft:
    """送达 recorded by whoever handed it over or sent it (serving_roles); the PDF's SM3 and its SM2
    signature travel with it (detached) and must agree."""
    require_role(c.actor, Action.SERVE_NOTICE, serving_roles(ctx.definition))
    if c.notice not in SERVABLE:
        raise InvalidCommand("unknown_notice_kind", "no such notice", notice=c.notice, allowed=sorted(SERVABLE))
    issued = SERVABLE[c.notice](state)
    if issued is None:
        raise InvalidCommand("notice_not_available", "the case has no such notice to serve", notice=c.notice)
    if c.method not in SERVICE_METHODS:
        raise InvalidCommand("bad_service_method", "service is direct, by post, electronic or by public notice",
                             method=c.method, allowed=sorted(SERVICE_METHODS))
    recipient = require_text(c.recipient, "recipient")
    reference = (c.reference or "").strip()
    if c.method == "post" and not _TRACKING_NO.fullmatch(reference):
        raise InvalidCommand("bad_tracking_no", "a postal tracking number is 8 to 30 letters or digits")
    if c.method in ("electronic", "public"):
        reference = require_text(reference, "reference")
    today = ctx.day(c)
    try:
        served = dt.date.fromisoformat(c.served_on) if c.served_on else today
    except ValueError:
        raise InvalidCommand("bad_served_on", "served_on is an ISO day (YYYY-MM-DD)", served_on=c.served_on) from None
    if served > today or served < issued:
        raise InvalidCommand("bad_served_on", "the notice is served between its own day and today",
                             served_on=served.isoformat(), earliest=issued.isoformat(), latest=today.isoformat())
    if not verify_digest(c.digest, c.signature, c.signer_key):
        raise InvalidCommand("bad_notice_signature", "the notice's SM2 signature does not match its SM3 digest")
    return Draft(Action.SERVE_NOTICE, state.status, state.current_steps, {
        "notice": c.notice, "method": c.method, "served_on": served.isoformat(), "reference": reference[:200],
        "recipient_masked": mask_name(recipient), "digest": c.digest, "signature": c.signature,
        "signer_key": c.signer_key}, {"recipient": recipient})


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
