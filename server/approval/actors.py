"""Who acts: the staff member signed in on the workstation (never the client's word), in the role the
action needs among that member's roles."""

from __future__ import annotations

from server.sync.registry import CommandContext, Rejected
from shared.approval.available import available_actions
from shared.approval.definition import WorkflowDefinition
from shared.approval.events import Actor
from shared.approval.guards import SUPERVISOR_ROLES
from shared.approval.lifecycle import Action
from shared.approval.outcome import serving_roles
from shared.approval.state import CaseState


def actor_for(ctx: CommandContext, state: CaseState | None, action: Action | None, preferred: str | None,
              definition: WorkflowDefinition) -> Actor:
    """The staff member signed in on the workstation, acting in the role the action needs. With several
    roles the one that may act now wins; otherwise the first (the engine then says why not)."""
    if ctx.device.user is None or not ctx.device.roles:
        raise Rejected("staff_login_required", "请先登录工作人员账号（a staff login is required）", status=403)
    roles = sorted(ctx.device.roles)
    if preferred in ctx.device.roles:
        return Actor(ctx.device.user, preferred)
    if state is not None:
        for role in roles:
            if any(a.action is action for a in available_actions(state, definition, role)):
                return Actor(ctx.device.user, role)
    if action in (Action.URGE, Action.SUPERVISE, Action.MARK_URGENT):
        roles = sorted(SUPERVISOR_ROLES & ctx.device.roles) or roles
    if action is Action.SERVE_NOTICE:  # 送达 is no step's action: the first of the user's workflow roles
        roles = sorted(serving_roles(definition) & ctx.device.roles) or roles
    return Actor(ctx.device.user, roles[0])
