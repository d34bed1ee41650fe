from __future__ import annotations

from dataclasses import replace

import pytest

from shared.approval.defaults import licence_definition, public_service_definition, with_parallel_review
from shared.approval.definition import ClockEffect, JoinRule, Step, StepAction as A, validate_definition
from shared.approval.errors import InvalidDefinition, UnknownDefinition
from shared.approval.registry import DefinitionCatalogue, DefinitionConflict

from tests.approval.factory import licence

BRANCHES = [("fire", "消防审查", "fire_officer"), ("env", "环保审查", "env_officer")]


def problems(definition) -> set[str]:
    with pytest.raises(InvalidDefinition) as info:
        validate_definition(definition)
    return info.value.codes


def with_steps(*steps: Step, **kw):
    return replace(licence(), steps=tuple(steps), **kw)


def test_default_licence_definition_has_the_seven_steps_in_order() -> None:
    d = licence()
    assert [s.display_name for s in d.steps] == ["受理", "审查", "审核", "决定", "制证", "办结", "送达"]
    assert (d.statutory_limit_days, d.max_extension_days, d.intake_step.name, d.decision_step.name) == \
        (20, 10, "intake", "decide")
    assert sum(s.limit_days for s in d.steps if d.is_review_phase(s.name)) <= d.statutory_limit_days


def test_joint_handling_default_is_45_plus_15() -> None:
    d = licence(joint_handling=True)
    assert (d.statutory_limit_days, d.max_extension_days) == (45, 15)


def test_public_service_is_shorter_and_makes_no_licence() -> None:
    d = public_service_definition("P01", "filing")
    assert [s.display_name for s in d.steps] == ["受理", "审核", "办结", "送达"]
    assert not d.issues_licence


def test_parallel_group_is_inserted_before_the_decision_as_a_new_version() -> None:
    d = with_parallel_review(licence(), BRANCHES, "all")
    assert d.version == 2
    assert d.unit_after("verify") == ("fire", "env")
    assert d.unit_after("fire") == ("decide",)
    assert d.group_of("env") == ("fire", "env")


def test_duplicate_step_names_are_reported() -> None:
    d = licence()
    assert "duplicate_step_name" in problems(replace(d, steps=(d.steps[0], d.steps[1], d.steps[1], *d.steps[2:])))


def test_return_targets_must_exist_and_be_earlier_review_steps() -> None:
    d = licence()
    review = replace(d.step("review"), actions=d.step("review").actions | {A.RETURN}, return_to=("verify",))
    assert "return_target_not_earlier" in problems(replace(d, steps=(d.steps[0], review, *d.steps[2:])))
    verify = replace(d.step("verify"), return_to=("nowhere",))
    assert "return_target_missing" in problems(replace(d, steps=(*d.steps[:2], verify, *d.steps[3:])))
    to_intake = replace(d.step("verify"), return_to=("intake",))
    assert "return_target_not_earlier" in problems(replace(d, steps=(*d.steps[:2], to_intake, *d.steps[3:])))
    no_targets = replace(d.step("verify"), return_to=())
    assert "bad_return" in problems(replace(d, steps=(*d.steps[:2], no_targets, *d.steps[3:])))


def test_parallel_groups_must_be_contiguous_with_one_join_rule_before_the_decision() -> None:
    d = with_parallel_review(licence(), BRANCHES, "all")
    fire, env = d.step("fire"), d.step("env")
    split = (*d.steps[:3], fire, d.step("decide"), env, *d.steps[6:])
    assert "bad_parallel_group" in problems(replace(d, steps=split))
    mixed = (*d.steps[:4], replace(env, join=JoinRule.ANY), *d.steps[5:])
    assert "bad_parallel_group" in problems(replace(d, steps=mixed))
    lonely = (*d.steps[:4], replace(env, parallel_group=None, join=None), *d.steps[5:])
    assert "bad_parallel_group" in problems(replace(d, steps=lonely))
    no_join = (*d.steps[:4], replace(env, join=None), *d.steps[5:])
    assert "bad_parallel_group" in problems(replace(d, steps=no_join))


def test_a_licence_needs_exactly_one_decision_step_after_intake() -> None:
    d = licence()
    no_decision = replace(d.step("decide"), actions=frozenset({A.PASS}))
    assert "no_decision_step" in problems(replace(d, steps=(*d.steps[:3], no_decision, *d.steps[4:])))
    grant_only = replace(d.step("decide"), actions=frozenset({A.GRANT}))
    assert "no_decision_step" in problems(replace(d, steps=(*d.steps[:3], grant_only, *d.steps[4:])))
    assert "intake_not_first" in problems(replace(d, steps=d.steps[1:]))


def test_steps_after_the_decision_are_licence_close_deliver() -> None:
    d = licence()
    assert "bad_steps_after_decision" in problems(replace(d, steps=d.steps[:-1]))
    assert "bad_steps_after_decision" in problems(replace(d, issues_licence=False))
    assert public_service_definition("P", "S").steps[-1].actions == frozenset({A.DELIVER})


def test_review_actions_and_clock_stops_only_in_the_review_phase() -> None:
    d = licence()
    closing = replace(d.step("close"), actions=frozenset({A.CLOSE, A.EXTEND}))
    assert "review_action_outside_review" in problems(replace(d, steps=(*d.steps[:5], closing, d.steps[6])))
    stopping_decision = replace(d.step("decide"), clock_effect=ClockEffect.STOPS)
    assert "bad_clock_effect" in problems(replace(d, steps=(*d.steps[:3], stopping_decision, *d.steps[4:])))
    accepting_review = replace(d.step("review"), actions=d.step("review").actions | {A.ACCEPT})
    assert "intake_not_first" in problems(replace(d, steps=(d.steps[0], accepting_review, *d.steps[2:])))


def test_limits_and_version_are_checked_and_every_problem_is_listed_at_once() -> None:
    d = licence()
    codes = problems(replace(d, version=0, promised_limit_days=30,
                             steps=(replace(d.steps[0], limit_days=0), *d.steps[1:])))
    assert codes == {"bad_version", "bad_limits", "bad_step_limit"}
    assert "bad_limits" in problems(replace(licence(joint_handling=True), statutory_limit_days=46))


def test_catalogue_pins_versions_and_refuses_to_change_a_published_one() -> None:
    v1 = licence()
    v2 = with_parallel_review(v1, BRANCHES, "any")
    catalogue = DefinitionCatalogue([v1, v2])
    assert catalogue.latest("00785", "issue") is v2
    assert catalogue.get("00785", "issue", 1) is v1
    catalogue.add(licence())  # identical: harmless
    with pytest.raises(DefinitionConflict):
        catalogue.add(replace(v1, promised_limit_days=5))
    with pytest.raises(UnknownDefinition):
        catalogue.get("00785", "issue", 3)
    with pytest.raises(UnknownDefinition):
        catalogue.latest("nope", "issue")


def test_definitions_are_immutable() -> None:
    with pytest.raises(AttributeError):
        licence().version = 9  # type: ignore[misc]
    assert isinstance(licence_definition("A", "B").steps, tuple)
