"""Default workflow definitions: 受理 → 审查 → 审核 → 决定 → 制证 → 办结 → 送达 for administrative licences,
受理 → 审核 → 办结 → 送达 for public services. Admins copy and adjust them per (item, situation)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from shared.approval.definition import (
    ADMINISTRATIVE_LICENCE, ART32_DAYS, JOINT_STATUTORY_DAYS, PUBLIC_SERVICE, STATUTORY_DAYS, ClockEffect,
    JoinRule, Step, StepAction as A, WorkflowDefinition, validate_definition,
)

_INTAKE = frozenset({A.PRE_ACCEPT, A.ACCEPT, A.REJECT_APPLICATION, A.REQUEST_CORRECTION})
_REVIEW = frozenset({A.PASS, A.RETURN, A.REQUEST_CORRECTION, A.SPECIAL_PROCEDURE, A.EXTEND})
_DECIDE = frozenset({A.GRANT, A.REFUSE, A.RETURN, A.SPECIAL_PROCEDURE, A.EXTEND})


def _tail(issues_licence: bool) -> list[Step]:
    steps = [Step("make_licence", "制证", "licence_officer", 5, frozenset({A.MAKE_LICENCE, A.ISSUE_LICENCE}))] \
        if issues_licence else []
    return steps + [Step("close", "办结", "clerk", 2, frozenset({A.CLOSE})),
                    Step("deliver", "送达", "clerk", 3, frozenset({A.DELIVER}))]


def licence_definition(item_code: str, situation_code: str, *, version: int = 1,
                       statutory_limit_days: int | None = None, promised_limit_days: int | None = None,
                       required_materials: Sequence[str] = (), joint_handling: bool = False,
                       issues_licence: bool = True) -> WorkflowDefinition:
    """行政许可: intake, two review steps, the decision, then licence, close and delivery."""
    statutory = statutory_limit_days or (JOINT_STATUTORY_DAYS if joint_handling else STATUTORY_DAYS)
    promised = promised_limit_days or max(1, statutory // 2)
    review, verify = max(1, statutory * 2 // 5), max(1, statutory // 4)
    decide = max(1, statutory // 5)
    steps = [
        Step("intake", "受理", "clerk", ART32_DAYS, _INTAKE),
        Step("review", "审查", "reviewer", review, _REVIEW - {A.RETURN}),
        Step("verify", "审核", "verifier", verify, _REVIEW, return_to=("review",)),
        Step("decide", "决定", "head", decide, _DECIDE, return_to=("review", "verify")),
        *_tail(issues_licence),
    ]
    return validate_definition(WorkflowDefinition(
        item_code, situation_code, version, ADMINISTRATIVE_LICENCE, statutory, promised, tuple(steps),
        tuple(required_materials), issues_licence=issues_licence, joint_handling=joint_handling))


def public_service_definition(item_code: str, situation_code: str, *, version: int = 1,
                              statutory_limit_days: int = STATUTORY_DAYS, promised_limit_days: int | None = None,
                              required_materials: Sequence[str] = ()) -> WorkflowDefinition:
    """公共服务: intake, one approval step that decides, close and delivery; no licence is made."""
    promised = promised_limit_days or max(1, statutory_limit_days // 2)
    steps = [
        Step("intake", "受理", "clerk", ART32_DAYS, _INTAKE),
        Step("decide", "审核", "approver", max(1, promised - 1), _DECIDE - {A.RETURN}),
        *_tail(False),
    ]
    return validate_definition(WorkflowDefinition(
        item_code, situation_code, version, PUBLIC_SERVICE, statutory_limit_days, promised, tuple(steps),
        tuple(required_materials), issues_licence=False))


def with_parallel_review(base: WorkflowDefinition, branches: Sequence[tuple[str, str, str]], join: str,
                         *, version: int | None = None, limit_days: int = 5,
                         clock_effect: ClockEffect = ClockEffect.COUNTS) -> WorkflowDefinition:
    """`base` with a parallel group (会审, e.g. several departments' opinions) inserted before the decision.
    `branches` are (name, display name, role)."""
    rule = JoinRule(join)
    group = [Step(name, shown, role, limit_days, frozenset({A.PASS}), clock_effect, "joint_review", rule)
             for name, shown, role in branches]
    at = base.index(base.decision_step.name)
    steps = (*base.steps[:at], *group, *base.steps[at:])
    return validate_definition(replace(base, steps=steps, version=version or base.version + 1))
