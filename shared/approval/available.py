"""Which actions a role may take on a case now, and at which step: for enabling buttons and building
worklists ("cases waiting for me"). It checks status, step and role only; the decider still validates the
command's content (opinions, reasons, materials, Art. 32 timing)."""

from __future__ import annotations

from dataclasses import dataclass

from shared.approval.definition import StepAction as SA, WorkflowDefinition
from shared.approval.guards import SUPERVISOR_ROLES, TERMINATE_ROLES
from shared.approval.lifecycle import TERMINAL, TRANSITIONS, Action
from shared.approval.state import SPECIAL, CaseState

# Actions taken at a step by the step's role, and the step action that must be allowed there.
AT_STEP = {
    Action.PRE_ACCEPT: SA.PRE_ACCEPT, Action.ACCEPT: SA.ACCEPT, Action.REJECT_APPLICATION: SA.REJECT_APPLICATION,
    Action.REQUEST_CORRECTION: SA.REQUEST_CORRECTION, Action.PASS_STEP: SA.PASS, Action.RETURN_TO_STEP: SA.RETURN,
    Action.START_SPECIAL_PROCEDURE: SA.SPECIAL_PROCEDURE, Action.GRANT: SA.GRANT, Action.REFUSE: SA.REFUSE,
    Action.MAKE_LICENCE: SA.MAKE_LICENCE, Action.ISSUE_LICENCE: SA.ISSUE_LICENCE, Action.CLOSE: SA.CLOSE,
    Action.DELIVER: SA.DELIVER,
}


@dataclass(frozen=True)
class Available:
    action: Action
    step: str | None = None  # the step it is taken at, when it belongs to one


def available_actions(state: CaseState, definition: WorkflowDefinition, role: str) -> tuple[Available, ...]:
    if state.status in TERMINAL:
        return ()
    found = [Available(a, s) for a, sa in AT_STEP.items() if state.status in TRANSITIONS[a]
             for s in state.current_steps if definition.step(s).allows(sa) and definition.step(s).role == role]
    found = [f for f in found if not (f.action is Action.REJECT_APPLICATION and state.accepted_on is not None)]
    found += [Available(a) for a in _case_level(state, definition, role) if state.status in TRANSITIONS[a]]
    return tuple(found)


def _case_level(state: CaseState, definition: WorkflowDefinition, role: str) -> list[Action]:
    actions = []
    intake_role = definition.intake_step.role
    if role == intake_role:
        actions += [Action.RECEIVE_CORRECTION, Action.WITHDRAW]
    if role in TERMINATE_ROLES:
        actions.append(Action.TERMINATE)
    stop = state.open_stop
    if stop is not None and stop.kind == SPECIAL and definition.step(stop.step or "").role == role:
        actions.append(Action.END_SPECIAL_PROCEDURE)
    if (role in definition.extension_roles and state.accepted_on is not None and not state.extension_days
            and any(definition.step(s).allows(SA.EXTEND) for s in state.current_steps)):
        actions.append(Action.EXTEND)
    if role in SUPERVISOR_ROLES and state.current_steps:
        actions += [Action.URGE, Action.SUPERVISE] + ([] if state.urgent else [Action.MARK_URGENT])
    if any(role in {definition.step(s).role for s in sup.steps} for sup in state.open_supervisions):
        actions.append(Action.REPLY_SUPERVISION)
    return actions
