"""Table-driven: every command is refused in every status the lifecycle table does not allow it from,
and refused for a role that does not hold the step."""

from __future__ import annotations

import pytest

from shared.approval import commands as cmd
from shared.approval.errors import ActionNotAllowed, RoleNotAllowed
from shared.approval.lifecycle import TRANSITIONS, Action, CaseStatus as S

from tests.approval.factory import D, Driver

DAY = D(2026, 6, 1)
ITEM = (cmd.CorrectionItem("申请书", "缺页"),)


def at_status(status: S) -> Driver:
    drv = Driver()
    if status in (S.RECEIVED, S.PRE_ACCEPTED, S.CORRECTION_REQUESTED, S.NOT_ACCEPTED):
        drv.receive(DAY)
        extra = {S.PRE_ACCEPTED: (cmd.PreAccept, {}),
                 S.CORRECTION_REQUESTED: (cmd.RequestCorrection, {"items": ITEM}),
                 S.NOT_ACCEPTED: (cmd.RejectApplication, {"reason": "r", "legal_basis": "b"})}.get(status)
        if extra:
            drv.do(extra[0], "clerk", DAY, **extra[1])
    elif status in (S.IN_REVIEW, S.SPECIAL_PROCEDURE, S.WITHDRAWN, S.TERMINATED):
        drv.accepted(DAY)
        if status is S.SPECIAL_PROCEDURE:
            drv.do(cmd.StartSpecialProcedure, "reviewer", DAY, step="review", category="testing",
                   expected_days=3, reason="送检")
        if status is S.WITHDRAWN:
            drv.do(cmd.Withdraw, "clerk", DAY, reason="撤回")
        if status is S.TERMINATED:
            drv.do(cmd.Terminate, "head", DAY, reason="注销", legal_basis="依法")
    elif status is S.DECIDED_REFUSED:
        drv.at_decision(DAY)
        drv.do(cmd.Refuse, "head", DAY, step="decide", reason="r", legal_basis="b")
    else:
        drv.granted(DAY)
        steps = [(cmd.MakeLicence, "licence_officer", {"licence_no": "TS1"}),
                 (cmd.IssueLicence, "licence_officer", {}), (cmd.Close, "clerk", {}), (cmd.Deliver, "clerk", {"method": "post", "tracking_no": "EA123456789CN"})]
        order = [S.DECIDED_GRANTED, S.LICENCE_MADE, S.LICENCE_ISSUED, S.CLOSED, S.DELIVERED]
        for kind, role, args in steps[:order.index(status)]:
            drv.do(kind, role, DAY, **args)
    assert drv.state.status is status
    return drv


# command, the action it records, a role allowed somewhere, arguments
COMMANDS = [
    (cmd.PreAccept, Action.PRE_ACCEPT, "clerk", {}),
    (cmd.RequestCorrection, Action.REQUEST_CORRECTION, "clerk", {"items": ITEM}),
    (cmd.ReceiveCorrection, Action.RECEIVE_CORRECTION, "clerk", {"materials": ("申请书",)}),
    (cmd.Accept, Action.ACCEPT, "clerk", {}),
    (cmd.DeemAccepted, Action.DEEMED_ACCEPTED_ART32, "system", {}),
    (cmd.RejectApplication, Action.REJECT_APPLICATION, "clerk", {"reason": "r", "legal_basis": "b"}),
    (cmd.PassStep, Action.PASS_STEP, "reviewer", {"step": "review", "opinion": "同意"}),
    (cmd.ReturnToStep, Action.RETURN_TO_STEP, "head", {"step": "decide", "target": "review", "opinion": "退回"}),
    (cmd.StartSpecialProcedure, Action.START_SPECIAL_PROCEDURE, "reviewer",
     {"step": "review", "category": "testing", "expected_days": 3, "reason": "送检"}),
    (cmd.EndSpecialProcedure, Action.END_SPECIAL_PROCEDURE, "reviewer", {"result": "合格"}),
    (cmd.Extend, Action.EXTEND, "head", {"days": 5, "reason": "复杂"}),
    (cmd.Grant, Action.GRANT, "head", {"step": "decide", "opinion": "同意"}),
    (cmd.Refuse, Action.REFUSE, "head", {"step": "decide", "reason": "r", "legal_basis": "b"}),
    (cmd.MakeLicence, Action.MAKE_LICENCE, "licence_officer", {"licence_no": "TS1"}),
    (cmd.IssueLicence, Action.ISSUE_LICENCE, "licence_officer", {}),
    (cmd.Close, Action.CLOSE, "clerk", {}),
    (cmd.Deliver, Action.DELIVER, "clerk", {"method": "post", "tracking_no": "EA123456789CN"}),
    (cmd.Withdraw, Action.WITHDRAW, "clerk", {"reason": "撤回"}),
    (cmd.Terminate, Action.TERMINATE, "head", {"reason": "注销", "legal_basis": "依法"}),
    (cmd.Urge, Action.URGE, "supervisor", {"message": "请加快"}),
    (cmd.Supervise, Action.SUPERVISE, "head", {"message": "请说明"}),
    (cmd.ReplySupervision, Action.REPLY_SUPERVISION, "reviewer", {"supervision_id": "K1#9", "reply": "已办"}),
    (cmd.MarkUrgent, Action.MARK_URGENT, "supervisor", {"reason": "重点"}),
]
CASES = [(kind, action, role, args, status) for kind, action, role, args in COMMANDS for status in S
         if status not in TRANSITIONS[action]]


@pytest.mark.parametrize("kind, action, role, args, status", CASES,
                         ids=[f"{c[1].value}-from-{c[4].value}" for c in CASES])
def test_refused_outside_the_statuses_the_lifecycle_allows(kind, action, role, args, status) -> None:
    drv = at_status(status)
    version = drv.state.version
    with pytest.raises(ActionNotAllowed):
        drv.do(kind, role, DAY, **args)
    assert drv.state.version == version


ROLE_CASES = [
    (S.RECEIVED, cmd.Accept, "reviewer", {}), (S.RECEIVED, cmd.PreAccept, "head", {}),
    (S.RECEIVED, cmd.RequestCorrection, "reviewer", {"items": ITEM}),
    (S.CORRECTION_REQUESTED, cmd.ReceiveCorrection, "reviewer", {"materials": ("申请书",)}),
    (S.RECEIVED, cmd.RejectApplication, "head", {"reason": "r", "legal_basis": "b"}),
    (S.IN_REVIEW, cmd.PassStep, "clerk", {"step": "review", "opinion": "同意"}),
    (S.IN_REVIEW, cmd.StartSpecialProcedure, "head",
     {"step": "review", "category": "testing", "expected_days": 3, "reason": "x"}),
    (S.SPECIAL_PROCEDURE, cmd.EndSpecialProcedure, "clerk", {"result": "合格"}),
    (S.IN_REVIEW, cmd.Extend, "supervisor", {"days": 5, "reason": "复杂"}),
    (S.DECIDED_GRANTED, cmd.MakeLicence, "clerk", {"licence_no": "TS1"}),
    (S.LICENCE_MADE, cmd.IssueLicence, "clerk", {}),
    (S.LICENCE_ISSUED, cmd.Close, "licence_officer", {}),
    (S.CLOSED, cmd.Deliver, "reviewer", {"method": "post", "tracking_no": "EA123456789CN"}),
    (S.IN_REVIEW, cmd.Withdraw, "head", {"reason": "撤回"}),
    (S.IN_REVIEW, cmd.Terminate, "clerk", {"reason": "注销", "legal_basis": "依法"}),
    (S.IN_REVIEW, cmd.Urge, "reviewer", {"message": "请加快"}),
    (S.IN_REVIEW, cmd.Supervise, "clerk", {"message": "请说明"}),
    (S.IN_REVIEW, cmd.MarkUrgent, "clerk", {"reason": "重点"}),
]


@pytest.mark.parametrize("status, kind, role, args", ROLE_CASES, ids=[c[1].__name__ for c in ROLE_CASES])
def test_refused_for_a_role_that_does_not_hold_the_step(status, kind, role, args) -> None:
    drv = at_status(status)
    with pytest.raises(RoleNotAllowed) as info:
        drv.do(kind, role, DAY, **args)
    assert info.value.code == "role_not_allowed" and role not in info.value.details["allowed"]
