"""From "the approver pressed 通过 with this opinion" to the shared.approval command: which extra fields each
action needs (the UI asks for exactly these), and building the command with the case's current base."""

from __future__ import annotations

import uuid

from client.services.cases import CaseDetail, CaseStore
from shared.approval import commands as cmd
from shared.approval.available import Available
from shared.approval.lifecycle import Action

A = Action
# Fields beyond the opinion. message/reply/reason/result default to the opinion text when left empty.
FIELDS: dict[Action, tuple[str, ...]] = {
    A.RETURN_TO_STEP: ("target",), A.START_SPECIAL_PROCEDURE: ("category", "expected_days", "reason"),
    A.END_SPECIAL_PROCEDURE: ("result",), A.EXTEND: ("days", "reason"), A.REFUSE: ("reason", "legal_basis"),
    A.REJECT_APPLICATION: ("reason", "legal_basis"), A.MAKE_LICENCE: ("licence_no",),
    A.DELIVER: ("method", "receiver_name", "receiver_id", "tracking_no"), A.WITHDRAW: ("reason",),
    A.TERMINATE: ("reason", "legal_basis"), A.URGE: ("message",), A.SUPERVISE: ("message", "reply_within_days"),
    A.REPLY_SUPERVISION: ("reply",), A.MARK_URGENT: ("reason",), A.RECEIVE_CORRECTION: ("materials",),
}
FROM_OPINION = {"message", "reply", "reason", "result"}
KINDS: dict[Action, type[cmd.Command]] = {
    A.PRE_ACCEPT: cmd.PreAccept, A.ACCEPT: cmd.Accept, A.REJECT_APPLICATION: cmd.RejectApplication,
    A.RECEIVE_CORRECTION: cmd.ReceiveCorrection, A.PASS_STEP: cmd.PassStep, A.RETURN_TO_STEP: cmd.ReturnToStep,
    A.START_SPECIAL_PROCEDURE: cmd.StartSpecialProcedure, A.END_SPECIAL_PROCEDURE: cmd.EndSpecialProcedure,
    A.EXTEND: cmd.Extend, A.GRANT: cmd.Grant, A.REFUSE: cmd.Refuse, A.MAKE_LICENCE: cmd.MakeLicence,
    A.ISSUE_LICENCE: cmd.IssueLicence, A.CLOSE: cmd.Close, A.DELIVER: cmd.Deliver, A.WITHDRAW: cmd.Withdraw,
    A.TERMINATE: cmd.Terminate, A.URGE: cmd.Urge, A.SUPERVISE: cmd.Supervise,
    A.REPLY_SUPERVISION: cmd.ReplySupervision, A.MARK_URGENT: cmd.MarkUrgent,
}
STEP_ACTIONS = {A.PASS_STEP, A.RETURN_TO_STEP, A.START_SPECIAL_PROCEDURE, A.GRANT, A.REFUSE}
INTS = {"expected_days", "days", "reply_within_days"}


def return_targets(detail: CaseDetail, step: str | None) -> tuple[str, ...]:
    return detail.definition.step(step).return_to if step else ()


def build(store: CaseStore, detail: CaseDetail, available: Available, role: str, opinion: str,
          fields: dict[str, str]) -> cmd.Command:
    kind = KINDS[available.action]
    args: dict = {}
    for name in FIELDS.get(available.action, ()):
        value = (fields.get(name) or "").strip()
        if not value and name in FROM_OPINION:
            value = opinion.strip()
        if name in INTS:
            args[name] = int(value or 0)
        elif name == "materials":
            args[name] = tuple(m.strip() for m in value.replace("，", ",").split(",") if m.strip())
        else:
            args[name] = value
    if available.action in STEP_ACTIONS:
        args["step"] = available.step or ""
    if available.action is A.REPLY_SUPERVISION:
        open_ = detail.state.open_supervisions
        args["supervision_id"] = open_[0].supervision_id if open_ else ""
    if available.action is A.DELIVER and args.get("method") == "post":
        args.pop("receiver_id", None)
    return kind(command_id=str(uuid.uuid4()), case_id=detail.state.case_id, base=store.base(detail.state),
                actor=store.actor(role), device=store.sync.device_id, at=store.clock(), opinion=opinion.strip(),
                **args)
