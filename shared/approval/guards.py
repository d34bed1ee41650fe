"""Small checks shared by the command handlers, and the draft event a handler returns."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from shared.approval.commands import Command
from shared.approval.definition import Step, StepAction, WorkflowDefinition
from shared.approval.errors import ActionNotAllowed, InvalidCommand, RoleNotAllowed
from shared.approval.events import Actor, local_day
from shared.approval.lifecycle import Action, CaseStatus
from shared.approval.state import CaseState
from shared.calendar import WorkCalendar

SUPERVISOR_ROLES = frozenset({"supervisor", "head"})  # 督办/催办 are a leader's tools
TERMINATE_ROLES = frozenset({"head"})
SYSTEM_ROLE = "system"


@dataclass(frozen=True)
class Draft:
    """What a handler decides; the decider turns it into a numbered, stamped Event."""
    action: Action
    status_after: CaseStatus
    steps_after: tuple[str, ...]
    payload: Mapping[str, Any] = field(default_factory=dict)
    personal: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Context:
    definition: WorkflowDefinition
    calendar: WorkCalendar

    @staticmethod
    def day(command: Command) -> dt.date:
        return local_day(command.at)


def require_status(state: CaseState, action: Action, allowed: Collection[CaseStatus]) -> None:
    if state.status not in allowed:
        raise ActionNotAllowed(action.value, f"the case is {state.status.value}",
                               status=state.status.value, allowed_statuses=sorted(s.value for s in allowed))


def require_role(actor: Actor, action: Action, roles: Collection[str]) -> None:
    if actor.role not in roles:
        raise RoleNotAllowed(action.value, actor.role, roles)


def require_text(value: str, field_name: str) -> str:
    if not (value or "").strip():
        raise InvalidCommand(f"{field_name}_required", f"{field_name} must not be empty", field=field_name)
    return value.strip()


def acting_step(state: CaseState, ctx: Context, name: str, action: Action, step_action: StepAction,
                actor: Actor) -> Step:
    """The current step `name` (or the only current one when name is empty), allowing `step_action`
    and held by the actor's role."""
    if not name:
        if len(state.current_steps) != 1:
            raise InvalidCommand("step_required", "name the step: several steps are active",
                                 current_steps=list(state.current_steps))
        name = state.current_steps[0]
    if name not in state.current_steps:
        raise ActionNotAllowed(action.value, f"step {name!r} is not active", code="step_not_active",
                               step=name, current_steps=list(state.current_steps))
    step = ctx.definition.step(name)
    if not step.allows(step_action):
        raise ActionNotAllowed(action.value, f"step {name!r} does not allow {step_action.value}",
                               code="action_not_allowed_at_step", step=name)
    require_role(actor, action, {step.role})
    return step
