from __future__ import annotations

import pytest

from shared.approval import commands as cmd
from shared.approval.defaults import with_parallel_review
from shared.approval.errors import ActionNotAllowed, InvalidCommand, RoleNotAllowed
from shared.approval.lifecycle import CaseStatus as S

from tests.approval.factory import D, Driver, licence

DAY = D(2026, 6, 1)  # Monday, no holiday for weeks
BRANCHES = [("fire", "消防审查", "fire_officer"), ("env", "环保审查", "env_officer")]


def in_review() -> Driver:
    return Driver().accepted(DAY)


def test_pass_needs_the_step_role_and_an_opinion_and_moves_on() -> None:
    drv = in_review()
    with pytest.raises(RoleNotAllowed):
        drv.do(cmd.PassStep, "verifier", DAY, step="review", opinion="同意")
    with pytest.raises(InvalidCommand) as info:
        drv.do(cmd.PassStep, "reviewer", DAY, step="review", opinion="  ")
    assert info.value.code == "opinion_required"
    drv.pass_("review", DAY)
    assert drv.state.current_steps == ("verify",)


def test_acting_at_a_step_that_is_not_current_is_refused() -> None:
    drv = in_review()
    with pytest.raises(ActionNotAllowed) as info:
        drv.pass_("verify", DAY)
    assert info.value.code == "step_not_active"


def test_actions_a_step_does_not_allow_are_refused_with_a_code() -> None:
    drv = in_review()
    with pytest.raises(ActionNotAllowed) as info:
        drv.do(cmd.Grant, "reviewer", DAY, step="review", opinion="同意")
    assert info.value.code == "action_not_allowed_at_step"
    with pytest.raises(ActionNotAllowed) as info:
        drv.do(cmd.ReturnToStep, "reviewer", DAY, step="review", target="intake", opinion="退回")
    assert info.value.code == "action_not_allowed_at_step"


def test_return_to_a_named_earlier_step_and_opinions_travel_with_the_case() -> None:
    drv = in_review()
    drv.pass_("review", DAY)
    drv.pass_("verify", D(2026, 6, 2))
    with pytest.raises(ActionNotAllowed) as info:
        drv.do(cmd.ReturnToStep, "head", D(2026, 6, 3), step="decide", target="intake", opinion="重新受理")
    assert info.value.code == "bad_return_target"
    drv.do(cmd.ReturnToStep, "head", D(2026, 6, 3), step="decide", target="review", opinion="请补充现场核查记录")
    assert drv.state.current_steps == ("review",)
    texts = [(o.step, o.text) for o in drv.state.opinions_before()]
    assert texts == [("review", "同意"), ("verify", "同意"), ("decide", "请补充现场核查记录")]
    visits = [(v.step, v.outcome) for v in drv.state.visits]
    assert visits[-2:] == [("decide", "return_to_step"), ("review", None)]


def test_grant_and_refuse_only_at_the_decision_step_by_the_head() -> None:
    drv = in_review()
    drv.pass_("review", DAY)
    drv.pass_("verify", DAY)
    with pytest.raises(InvalidCommand) as info:
        drv.do(cmd.Refuse, "head", DAY, step="decide", reason="不符合条件", legal_basis="")
    assert info.value.code == "legal_basis_required"
    drv.do(cmd.Refuse, "head", DAY, step="decide", reason="不符合条件", legal_basis="《特种设备安全法》第三十三条")
    assert (drv.state.status, drv.state.decision, drv.state.current_steps) == (S.DECIDED_REFUSED, "refused", ("close",))


def test_grant_moves_to_licence_making() -> None:
    drv = Driver().granted(DAY)
    assert (drv.state.status, drv.state.current_steps, drv.state.decided_on) == \
        (S.DECIDED_GRANTED, ("make_licence",), DAY)


def test_special_procedure_needs_an_art45_category_and_expected_duration() -> None:
    drv = in_review()
    start = dict(step="review", expected_days=10, reason="需检测")
    with pytest.raises(InvalidCommand) as info:
        drv.do(cmd.StartSpecialProcedure, "reviewer", DAY, category="lunch", **start)
    assert info.value.code == "bad_special_procedure_category"
    with pytest.raises(InvalidCommand) as info:
        drv.do(cmd.StartSpecialProcedure, "reviewer", DAY, category="testing", **{**start, "expected_days": 0})
    assert info.value.code == "expected_days_required"
    drv.do(cmd.StartSpecialProcedure, "reviewer", DAY, category="expert_review", **start)
    assert drv.state.status is S.SPECIAL_PROCEDURE and drv.state.open_stop.category == "expert_review"
    with pytest.raises(ActionNotAllowed):
        drv.pass_("review", DAY)
    with pytest.raises(RoleNotAllowed):
        drv.do(cmd.EndSpecialProcedure, "verifier", D(2026, 6, 5), result="合格")
    drv.do(cmd.EndSpecialProcedure, "reviewer", D(2026, 6, 5), result="专家评审通过")
    assert drv.state.status is S.IN_REVIEW and drv.state.stops[0].ended_on == D(2026, 6, 5)


@pytest.mark.parametrize("joint, longest", [(False, 10), (True, 15)])
def test_extension_is_once_by_the_head_within_the_legal_maximum(joint: bool, longest: int) -> None:
    drv = Driver(licence(joint_handling=joint)).accepted(DAY)
    with pytest.raises(RoleNotAllowed):
        drv.do(cmd.Extend, "reviewer", DAY, days=5, reason="情况复杂")
    with pytest.raises(InvalidCommand) as info:
        drv.do(cmd.Extend, "head", DAY, days=longest + 1, reason="情况复杂")
    assert info.value.code == "extension_too_long" and info.value.details["max_days"] == longest
    with pytest.raises(InvalidCommand) as info:
        drv.do(cmd.Extend, "head", DAY, days=longest, reason="")
    assert info.value.code == "reason_required"
    drv.do(cmd.Extend, "head", DAY, days=longest, reason="情况复杂")
    assert drv.state.extension_days == longest
    with pytest.raises(ActionNotAllowed) as info:
        drv.do(cmd.Extend, "head", DAY, days=1, reason="还要更久")
    assert info.value.code == "already_extended"


def test_extension_is_refused_once_the_period_has_run_out() -> None:
    drv = Driver(licence()).accepted(DAY)  # 20 working days from 06-01: due 2026-06-30 (Dragon Boat 06-19)
    with pytest.raises(ActionNotAllowed) as info:
        drv.do(cmd.Extend, "head", D(2026, 7, 1), days=10, reason="情况复杂")
    assert info.value.code == "period_expired"
    drv.do(cmd.Extend, "head", D(2026, 6, 30), days=10, reason="情况复杂")


def test_extension_before_acceptance_is_refused() -> None:
    drv = Driver()
    drv.receive(DAY)
    with pytest.raises(ActionNotAllowed):
        drv.do(cmd.Extend, "head", DAY, days=5, reason="x")


def test_parallel_group_join_all_waits_for_every_branch() -> None:
    drv = Driver(with_parallel_review(licence(), BRANCHES, "all")).accepted(DAY)
    drv.pass_("review", DAY)
    drv.pass_("verify", DAY)
    assert drv.state.current_steps == ("fire", "env")
    with pytest.raises(RoleNotAllowed):
        drv.do(cmd.PassStep, "fire_officer", DAY, step="env", opinion="同意")
    drv.pass_("env", D(2026, 6, 2))
    assert drv.state.current_steps == ("fire",)
    drv.pass_("fire", D(2026, 6, 3))
    assert drv.state.current_steps == ("decide",)
    assert {v.step: v.left_on for v in drv.state.visits if v.step in ("fire", "env")} == \
        {"fire": D(2026, 6, 3), "env": D(2026, 6, 2)}


def test_parallel_group_join_any_finishes_on_the_first_pass() -> None:
    drv = Driver(with_parallel_review(licence(), BRANCHES, "any")).accepted(DAY)
    drv.pass_("review", DAY)
    drv.pass_("verify", DAY)
    event = drv.pass_("fire", D(2026, 6, 2))
    assert event.steps_after == ("decide",) and event.payload["skipped"] == ["env"]
    assert [v.step for v in drv.state.visits if v.left_on is None] == ["decide"]


def test_return_into_a_parallel_group_reopens_the_whole_group() -> None:
    d = with_parallel_review(licence(), BRANCHES, "all")
    drv = Driver(d).accepted(DAY)
    for step in ("review", "verify", "fire", "env"):
        drv.pass_(step, DAY)
    drv.do(cmd.ReturnToStep, "head", DAY, step="decide", target="verify", opinion="重审")
    assert drv.state.current_steps == ("verify",)
    drv.pass_("verify", DAY)
    assert drv.state.current_steps == ("fire", "env")
