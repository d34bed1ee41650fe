"""Workflow definitions: per (item, situation) an immutable, versioned list of steps.

A step's allowed actions say what it is: the intake step (受理) allows `accept`, the decision step (决定)
allows `grant` and `refuse`, later steps make and issue the licence, close (办结) and deliver (送达).
Steps between intake and decision are review steps (审查, 审核 …); they may run in parallel groups.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum

from shared.approval.errors import DefinitionProblem, InvalidDefinition

ADMINISTRATIVE_LICENCE = "administrative_licence"  # same values as shared.db.models.catalogue
PUBLIC_SERVICE = "public_service"

STATUTORY_DAYS = 20          # Art. 42
EXTENSION_DAYS = 10
JOINT_STATUTORY_DAYS = 45    # Art. 42(2): 统一办理/联合办理/集中办理
JOINT_EXTENSION_DAYS = 15
ISSUE_DAYS = 10              # Art. 44
ART32_DAYS = 5               # Art. 32(4)

# Art. 45: time for these is not counted. Values are what users see.
SPECIAL_PROCEDURE_CATEGORIES = {
    "hearing": "听证", "tender": "招标", "auction": "拍卖", "inspection": "检验", "testing": "检测",
    "quarantine": "检疫", "appraisal": "鉴定", "expert_review": "专家评审",
}


class StepAction(str, Enum):
    PRE_ACCEPT = "pre_accept"
    ACCEPT = "accept"
    REJECT_APPLICATION = "reject_application"
    REQUEST_CORRECTION = "request_correction"
    PASS = "pass"
    RETURN = "return"
    SPECIAL_PROCEDURE = "special_procedure"
    EXTEND = "extend"
    GRANT = "grant"
    REFUSE = "refuse"
    MAKE_LICENCE = "make_licence"
    ISSUE_LICENCE = "issue_licence"
    CLOSE = "close"
    DELIVER = "deliver"


class ClockEffect(str, Enum):
    COUNTS = "counts"  # time at this step counts against the statutory clock
    STOPS = "stops"    # e.g. an on-site inspection step that Art. 45 excludes


class JoinRule(str, Enum):
    ALL = "all"  # the group is done when every step in it has passed
    ANY = "any"  # the first pass finishes the group; the others are skipped


A = StepAction
INTAKE_ACTIONS = frozenset({A.PRE_ACCEPT, A.ACCEPT, A.REJECT_APPLICATION, A.REQUEST_CORRECTION})
REVIEW_ONLY = frozenset({A.PASS, A.RETURN, A.SPECIAL_PROCEDURE, A.EXTEND})
LICENCE_ACTIONS = frozenset({A.MAKE_LICENCE, A.ISSUE_LICENCE})


@dataclass(frozen=True)
class Step:
    name: str                  # identifier, unique in the definition (e.g. "review")
    display_name: str          # what users see (e.g. "审查")
    role: str                  # who acts at this step
    limit_days: int            # step limit in working days
    actions: frozenset[StepAction]
    clock_effect: ClockEffect = ClockEffect.COUNTS
    parallel_group: str | None = None
    join: JoinRule | None = None
    return_to: tuple[str, ...] = ()  # earlier steps a `return` may target

    def allows(self, action: StepAction) -> bool:
        return action in self.actions


@dataclass(frozen=True)
class WorkflowDefinition:
    item_code: str
    situation_code: str
    version: int
    category: str
    statutory_limit_days: int
    promised_limit_days: int
    steps: tuple[Step, ...]
    required_materials: tuple[str, ...] = ()
    issues_licence: bool = True
    joint_handling: bool = False
    # The law (Art. 45) lists what is not counted and corrections after acceptance are not on the list;
    # some provinces' rules exclude them as well. Off by default: the stricter clock.
    correction_stops_clock: bool = False
    extension_roles: frozenset[str] = field(default_factory=lambda: frozenset({"head"}))

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.item_code, self.situation_code, self.version)

    @property
    def max_extension_days(self) -> int:
        return JOINT_EXTENSION_DAYS if self.joint_handling else EXTENSION_DAYS

    def step(self, name: str) -> Step:
        for s in self.steps:
            if s.name == name:
                return s
        raise KeyError(name)

    def index(self, name: str) -> int:
        return next(i for i, s in enumerate(self.steps) if s.name == name)

    @property
    def intake_step(self) -> Step:
        return next(s for s in self.steps if s.allows(A.ACCEPT))

    @property
    def decision_step(self) -> Step:
        return next(s for s in self.steps if s.allows(A.GRANT))

    def unit_at(self, index: int) -> tuple[str, ...]:
        """The step at `index` and, when it is in a parallel group, every step of that group."""
        step = self.steps[index]
        if step.parallel_group is None:
            return (step.name,)
        return tuple(s.name for s in self.steps if s.parallel_group == step.parallel_group)

    def unit_after(self, name: str) -> tuple[str, ...]:
        """The step or parallel group that follows `name`'s unit; () after the last step."""
        last = max(self.index(n) for n in self.unit_at(self.index(name)))
        return self.unit_at(last + 1) if last + 1 < len(self.steps) else ()

    def group_of(self, name: str) -> tuple[str, ...]:
        return self.unit_at(self.index(name))

    def is_review_phase(self, name: str) -> bool:
        """Between intake and decision, decision included."""
        return self.index(self.intake_step.name) < self.index(name) <= self.index(self.decision_step.name)


def validate_definition(d: WorkflowDefinition) -> WorkflowDefinition:
    """Return `d` when it is well-formed; otherwise raise InvalidDefinition listing every problem."""
    problems = list(_problems(d))
    if problems:
        raise InvalidDefinition(problems)
    return d


def _problems(d: WorkflowDefinition) -> Iterator[DefinitionProblem]:
    P = DefinitionProblem
    if d.version < 1:
        yield P("bad_version", None, "version must be 1 or more")
    if d.statutory_limit_days < 1 or not 1 <= d.promised_limit_days <= d.statutory_limit_days:
        yield P("bad_limits", None, "need 1 <= promised limit <= statutory limit")
    if d.joint_handling and d.statutory_limit_days > JOINT_STATUTORY_DAYS:
        yield P("bad_limits", None, f"joint handling may not exceed {JOINT_STATUTORY_DAYS} working days")
    if len(set(d.required_materials)) != len(d.required_materials):
        yield P("duplicate_material", None, "required materials are listed twice")
    if not d.steps:
        yield P("no_steps", None, "a definition needs steps")
        return
    names = [s.name for s in d.steps]
    for name in {n for n in names if names.count(n) > 1}:
        yield P("duplicate_step_name", name, f"step name {name!r} is used more than once")
    for s in d.steps:
        if not s.name.isidentifier() or not s.role or not s.display_name:
            yield P("bad_step", s.name, "a step needs an identifier name, a display name and a role")
        if s.limit_days < 1:
            yield P("bad_step_limit", s.name, "a step limit must be at least 1 working day")
    yield from _phase_problems(d, names)


def _positions(d: WorkflowDefinition, action: StepAction) -> list[int]:
    return [i for i, s in enumerate(d.steps) if s.allows(action)]


def _phase_problems(d: WorkflowDefinition, names: list[str]) -> Iterator[DefinitionProblem]:
    P = DefinitionProblem
    intake, grant, refuse = _positions(d, A.ACCEPT), _positions(d, A.GRANT), _positions(d, A.REFUSE)
    if intake != [0]:
        yield P("intake_not_first", None, "exactly one step, the first, must allow accept")
    if len(grant) != 1 or grant != refuse:
        yield P("no_decision_step", None, "exactly one step must allow both grant and refuse")
    if intake != [0] or len(grant) != 1 or grant != refuse:
        return
    decision = grant[0]
    if decision == 0:
        yield P("no_decision_step", None, "the decision step must come after intake")
        return
    tail = list(d.steps[decision + 1:])
    yield from _tail_problems(d, tail)
    for i, s in enumerate(d.steps):
        review = 0 < i <= decision
        if i > 0 and s.actions & (INTAKE_ACTIONS - {A.REQUEST_CORRECTION}):
            yield P("intake_action_outside_intake", s.name, "only the intake step may accept or reject")
        banned = REVIEW_ONLY if i == 0 else REVIEW_ONLY | {A.REQUEST_CORRECTION}
        if not review and s.actions & banned:
            yield P("review_action_outside_review", s.name,
                    "pass, return, special procedure and extend belong to review steps")
        if i == decision and A.PASS in s.actions:
            yield P("bad_decision_step", s.name, "the decision step grants or refuses; it cannot pass")
        if 0 < i < decision and A.PASS not in s.actions:
            yield P("review_step_must_pass", s.name, "a review step must allow pass")
        if s.clock_effect is ClockEffect.STOPS and not 0 < i < decision:
            yield P("bad_clock_effect", s.name, "only review steps before the decision may stop the clock")
        yield from _return_problems(d, i, s, names)
    yield from _group_problems(d, decision)


def _tail_problems(d: WorkflowDefinition, tail: list[Step]) -> Iterator[DefinitionProblem]:
    P = DefinitionProblem
    expected: list[frozenset[StepAction]] = ([LICENCE_ACTIONS] if d.issues_licence else []) + \
        [frozenset({A.CLOSE}), frozenset({A.DELIVER})]
    if [s.actions for s in tail] != expected:
        what = "制证 (make_licence+issue_licence), " if d.issues_licence else ""
        yield P("bad_steps_after_decision", None, f"after the decision come exactly: {what}close, deliver")
    for s in tail:
        if s.parallel_group is not None:
            yield P("bad_parallel_group", s.name, "steps after the decision cannot run in parallel")


def _return_problems(d: WorkflowDefinition, i: int, s: Step, names: list[str]) -> Iterator[DefinitionProblem]:
    P = DefinitionProblem
    if (A.RETURN in s.actions) != bool(s.return_to):
        yield P("bad_return", s.name, "a step allowing return must name its targets, and only then")
    for target in s.return_to:
        if target not in names:
            yield P("return_target_missing", s.name, f"return target {target!r} does not exist")
            continue
        j = names.index(target)
        if j >= i or j == 0:
            yield P("return_target_not_earlier", s.name, f"{target!r} is not an earlier review step")
        elif s.parallel_group is not None and d.steps[j].parallel_group == s.parallel_group:
            yield P("return_target_in_same_group", s.name, f"{target!r} runs in parallel with {s.name!r}")


def _group_problems(d: WorkflowDefinition, decision: int) -> Iterator[DefinitionProblem]:
    P = DefinitionProblem
    groups: dict[str, list[int]] = {}
    for i, s in enumerate(d.steps):
        if (s.parallel_group is None) != (s.join is None):
            yield P("bad_parallel_group", s.name, "a join rule belongs to, and only to, a parallel step")
        if s.parallel_group is not None:
            groups.setdefault(s.parallel_group, []).append(i)
    for group, idx in groups.items():
        if len(idx) < 2:
            yield P("bad_parallel_group", d.steps[idx[0]].name, f"group {group!r} has a single step")
        if idx != list(range(idx[0], idx[0] + len(idx))):
            yield P("bad_parallel_group", d.steps[idx[0]].name, f"group {group!r} is not contiguous")
        if len({d.steps[i].join for i in idx}) > 1:
            yield P("bad_parallel_group", d.steps[idx[0]].name, f"group {group!r} mixes join rules")
        if not all(0 < i < decision for i in idx):
            yield P("bad_parallel_group", d.steps[idx[0]].name,
                    f"group {group!r} must lie between intake and decision")
