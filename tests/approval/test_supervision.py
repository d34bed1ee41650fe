from __future__ import annotations

import pytest

from shared.approval import commands as cmd
from shared.approval.errors import ActionNotAllowed, InvalidCommand, RoleNotAllowed

from tests.approval.factory import D, Driver

DAY = D(2026, 6, 1)


def test_urge_records_a_message_to_the_current_handlers_without_moving_the_case() -> None:
    drv = Driver().accepted(DAY)
    before = (drv.state.status, drv.state.current_steps)
    with pytest.raises(RoleNotAllowed):
        drv.do(cmd.Urge, "clerk", DAY, message="请尽快办理")
    drv.do(cmd.Urge, "supervisor", DAY, message="请尽快办理")
    assert (drv.state.status, drv.state.current_steps) == before
    assert [(u.message, u.steps) for u in drv.state.urgings] == [("请尽快办理", ("review",))]


def test_supervision_stays_open_until_the_handler_replies_in_writing() -> None:
    drv = Driver().accepted(DAY)
    drv.do(cmd.Supervise, "head", DAY, message="说明延误原因", reply_within_days=2)
    sid = drv.state.supervisions[0].supervision_id
    assert [s.supervision_id for s in drv.state.open_supervisions] == [sid]
    with pytest.raises(RoleNotAllowed):
        drv.do(cmd.ReplySupervision, "verifier", DAY, supervision_id=sid, reply="……")
    with pytest.raises(InvalidCommand) as info:
        drv.do(cmd.ReplySupervision, "reviewer", DAY, supervision_id=sid, reply="")
    assert info.value.code == "reply_required"
    drv.do(cmd.ReplySupervision, "reviewer", D(2026, 6, 2), supervision_id=sid, reply="等待企业补充图纸，明日办结")
    assert drv.state.open_supervisions == () and drv.state.supervisions[0].replied_on == D(2026, 6, 2)
    with pytest.raises(ActionNotAllowed) as info:
        drv.do(cmd.ReplySupervision, "reviewer", D(2026, 6, 2), supervision_id=sid, reply="again")
    assert info.value.code == "no_open_supervision"


def test_supervision_needs_a_reply_period() -> None:
    drv = Driver().accepted(DAY)
    with pytest.raises(InvalidCommand) as info:
        drv.do(cmd.Supervise, "head", DAY, message="说明情况", reply_within_days=0)
    assert info.value.code == "bad_reply_period"


def test_mark_urgent_once() -> None:
    drv = Driver().accepted(DAY)
    drv.do(cmd.MarkUrgent, "supervisor", DAY, reason="重点项目")
    assert drv.state.urgent
    with pytest.raises(ActionNotAllowed) as info:
        drv.do(cmd.MarkUrgent, "supervisor", DAY, reason="重点项目")
    assert info.value.code == "already_urgent"


def test_no_urging_a_finished_case() -> None:
    drv = Driver().accepted(DAY)
    drv.do(cmd.Withdraw, "clerk", DAY, reason="撤回")
    with pytest.raises(ActionNotAllowed):
        drv.do(cmd.Urge, "supervisor", DAY, message="?")
