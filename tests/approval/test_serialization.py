from __future__ import annotations

import json

import pytest

from shared.approval import commands as cmd
from shared.approval.errors import InvalidCommand
from shared.approval.serialization import COMMANDS, command_from_dict, command_to_dict, event_from_dict, event_to_dict
from shared.approval.state import replay

from tests.approval.factory import D, Driver

DAY = D(2026, 6, 1)


def test_events_survive_json_and_replay_to_the_same_state() -> None:
    drv = Driver()
    drv.receive(DAY)
    drv.do(cmd.RequestCorrection, "clerk", DAY, items=(cmd.CorrectionItem("申请书", "缺页"),))
    drv.do(cmd.ReceiveCorrection, "clerk", DAY, materials=("申请书",))
    drv.do(cmd.Accept, "clerk", DAY)
    drv.pass_("review", DAY)
    wire = json.loads(json.dumps([event_to_dict(e) for e in drv.events], ensure_ascii=False))
    back = [event_from_dict(d) for d in wire]
    assert replay(back) == drv.state


def test_personal_data_is_left_out_unless_asked_for() -> None:
    drv = Driver()
    drv.receive(DAY, applicant_name="张三")
    assert "personal" not in event_to_dict(drv.events[0])
    assert event_to_dict(drv.events[0], with_personal=True)["personal"] == {"applicant_name": "张三"}


def test_commands_round_trip_with_their_base() -> None:
    drv = Driver().accepted(DAY)
    original = drv.command(cmd.RequestCorrection, "reviewer", DAY, items=(cmd.CorrectionItem("申请书", "缺页"),))
    wire = json.loads(json.dumps(command_to_dict(original), ensure_ascii=False))
    assert wire["name"] == "request_correction"
    assert wire["base"] == {"case": "K1", "expected_version": 2, "from_state": "in_review"}
    assert command_from_dict(wire) == original
    drv.run(command_from_dict(wire))


def test_unknown_or_malformed_commands_are_typed_errors() -> None:
    assert {"pass_step", "start_special_procedure", "deem_accepted", "reply_supervision"} <= set(COMMANDS)
    with pytest.raises(InvalidCommand) as info:
        command_from_dict({"name": "fly"})
    assert info.value.code == "unknown_command"
    wire = command_to_dict(Driver().accepted(DAY).command(cmd.PassStep, "reviewer", DAY, step="review"))
    wire["args"]["colour"] = "red"
    with pytest.raises(InvalidCommand) as info:
        command_from_dict(wire)
    assert info.value.code == "bad_command_arguments"
