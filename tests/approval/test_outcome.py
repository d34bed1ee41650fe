from __future__ import annotations

import pytest

from shared.approval import commands as cmd
from shared.approval.defaults import public_service_definition
from shared.approval.errors import ActionNotAllowed, InvalidCommand, RoleNotAllowed
from shared.approval.lifecycle import CaseStatus as S

from tests.approval.factory import D, Driver

DAY = D(2026, 6, 1)
GOOD_ID = "11010519491231002x"  # DOMAIN.md's example, typed with a lower-case x


def closed() -> Driver:
    drv = Driver().granted(DAY)
    drv.do(cmd.MakeLicence, "licence_officer", DAY, licence_no="TS3144-2026-0001")
    drv.do(cmd.IssueLicence, "licence_officer", D(2026, 6, 2))
    drv.do(cmd.Close, "clerk", D(2026, 6, 2))
    return drv


def test_licence_is_made_then_issued_then_the_case_closes() -> None:
    drv = Driver().granted(DAY)
    with pytest.raises(ActionNotAllowed):
        drv.do(cmd.IssueLicence, "licence_officer", DAY)
    with pytest.raises(ActionNotAllowed):
        drv.do(cmd.Close, "clerk", DAY)  # a licence must be issued first
    with pytest.raises(InvalidCommand) as info:
        drv.do(cmd.MakeLicence, "licence_officer", DAY, licence_no="X" * 61)
    assert info.value.code == "licence_no_too_long"
    with pytest.raises(RoleNotAllowed):
        drv.do(cmd.MakeLicence, "clerk", DAY, licence_no="TS1")
    drv.do(cmd.MakeLicence, "licence_officer", DAY, licence_no="TS3144-2026-0001")
    drv.do(cmd.IssueLicence, "licence_officer", D(2026, 6, 2))
    assert (drv.state.status, drv.state.issued_on, drv.state.current_steps) == \
        (S.LICENCE_ISSUED, D(2026, 6, 2), ("close",))
    drv.do(cmd.Close, "clerk", D(2026, 6, 2))
    assert (drv.state.status, drv.state.closed_on, drv.state.current_steps) == (S.CLOSED, D(2026, 6, 2), ("deliver",))


def test_an_empty_licence_number_means_by_the_items_rule() -> None:
    # Formerly refused (licence_no_required). The server numbers an empty one from the item's rule before the
    # decider runs, so an offline workstation must accept it too and record "" until the sync brings the number.
    drv = Driver().granted(DAY)
    drv.do(cmd.MakeLicence, "licence_officer", DAY, licence_no="  ")
    assert (drv.state.status, drv.state.licence_no) == (S.LICENCE_MADE, "")


def test_a_refused_case_closes_without_a_licence() -> None:
    drv = Driver().at_decision(DAY)
    drv.do(cmd.Refuse, "head", DAY, step="decide", reason="条件不符", legal_basis="第三十八条")
    with pytest.raises(ActionNotAllowed):
        drv.do(cmd.MakeLicence, "licence_officer", DAY, licence_no="TS1")
    drv.do(cmd.Close, "clerk", DAY)
    assert drv.state.status is S.CLOSED


def test_a_public_service_closes_right_after_the_decision() -> None:
    drv = Driver(public_service_definition("P01", "filing")).granted(DAY)
    drv.do(cmd.Close, "clerk", DAY)
    assert drv.state.status is S.CLOSED


def test_counter_delivery_validates_the_receiver_id_and_keeps_it_out_of_the_payload() -> None:
    drv = closed()
    with pytest.raises(InvalidCommand) as info:
        drv.do(cmd.Deliver, "clerk", D(2026, 6, 3), method="counter", receiver_name="王五",
               receiver_id="110105194912310021")
    assert info.value.code == "bad_receiver_id" and info.value.details["reason"] == "bad_check_character"
    with pytest.raises(InvalidCommand) as info:
        drv.do(cmd.Deliver, "clerk", D(2026, 6, 3), method="counter", receiver_name="", receiver_id=GOOD_ID)
    assert info.value.code == "receiver_name_required"
    event = drv.do(cmd.Deliver, "clerk", D(2026, 6, 3), method="counter", receiver_name="王五", receiver_id=GOOD_ID)
    assert event.personal == {"receiver_name": "王五", "receiver_id": "11010519491231002X"}
    assert event.payload["receiver_id_masked"] == "110105********002X"
    assert GOOD_ID.upper() not in repr(event) and "王五" not in repr(event)
    assert drv.state.status is S.DELIVERED and drv.state.current_steps == ()


def test_post_delivery_needs_a_tracking_number() -> None:
    drv = closed()
    with pytest.raises(InvalidCommand) as info:
        drv.do(cmd.Deliver, "clerk", D(2026, 6, 3), method="post", tracking_no="12 3")
    assert info.value.code == "bad_tracking_no"
    with pytest.raises(InvalidCommand) as info:
        drv.do(cmd.Deliver, "clerk", D(2026, 6, 3), method="drone")
    assert info.value.code == "bad_delivery_method"
    event = drv.do(cmd.Deliver, "clerk", D(2026, 6, 3), method="post", tracking_no="EA123456789CN")
    assert event.payload["tracking_no"] == "EA123456789CN"


def test_withdraw_at_the_applicants_request_before_the_decision_only() -> None:
    drv = Driver().accepted(DAY)
    with pytest.raises(RoleNotAllowed):
        drv.do(cmd.Withdraw, "reviewer", DAY, reason="申请人书面申请撤回")
    drv.do(cmd.Withdraw, "clerk", DAY, reason="申请人书面申请撤回")
    assert drv.state.status is S.WITHDRAWN and drv.state.ended_on == DAY
    late = Driver().granted(DAY)
    with pytest.raises(ActionNotAllowed):
        late.do(cmd.Withdraw, "clerk", DAY, reason="太晚了")


def test_terminate_by_the_head_closes_any_open_clock_stop() -> None:
    drv = Driver().accepted(DAY)
    drv.do(cmd.StartSpecialProcedure, "reviewer", DAY, step="review", category="hearing", expected_days=10,
           reason="听证")
    with pytest.raises(RoleNotAllowed):
        drv.do(cmd.Terminate, "clerk", D(2026, 6, 3), reason="企业注销", legal_basis="依法终止")
    drv.do(cmd.Terminate, "head", D(2026, 6, 3), reason="企业注销", legal_basis="依法终止")
    assert drv.state.status is S.TERMINATED and drv.state.open_stop is None
