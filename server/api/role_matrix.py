"""角色权限: which role may do what, read from the running app itself — every route whose dependencies include
a require_role check, with the roles it names — and the step roles from the default workflow definitions. Never
a copy that could drift from the code."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.routing import APIRoute, iter_route_contexts

from server.api.deps import AdminUser
from server.api.hall_scope import OWNERS
from shared.approval.defaults import licence_definition, public_service_definition
from shared.db.models.staff import ROLES
from shared.protocol.org_admin import PermissionOut, RoleMatrix, RoleOut

router = APIRouter(prefix="/api/v1/admin", tags=["admin: staff"])
SYSTEM_ROLES = ("clerk", "approver", "supervisor", "admin", "leader")
TITLES = {"clerk": "窗口受理人员", "approver": "审批人员", "supervisor": "大厅主管", "admin": "系统管理员", "leader": "领导",
          "reviewer": "审查人", "verifier": "审核人", "head": "决定人（负责人）", "licence_officer": "制证人员"}


def _calls(route: APIRoute) -> list:
    stack, calls = [route.dependant], []
    while stack:
        dependant = stack.pop()
        calls.append(dependant.call)
        stack.extend(dependant.dependencies)
    return calls


def required_roles(route: APIRoute) -> tuple[str, ...] | None:
    """The roles a route's require_role check names (None: the route checks no role)."""
    return next((tuple(c.roles) for c in _calls(route) if getattr(c, "roles", None) is not None), None)


def centre_only(route: APIRoute) -> bool:
    """Whether the route also needs an admin of no hall (org_admin.centre_wide)."""
    return any(getattr(c, "centre_only", False) for c in _calls(route))


def step_roles() -> dict[str, list[str]]:
    """Step role → the default definitions' steps it handles (by their display names)."""
    out: dict[str, list[str]] = {}
    for definition in (licence_definition("matrix", "matrix"), public_service_definition("matrix", "matrix")):
        for step in definition.steps:
            names = out.setdefault(step.role, [])
            if step.display_name not in names:
                names.append(step.display_name)
    return out


def role_matrix(routes: list) -> RoleMatrix:
    steps = step_roles()
    roles = [RoleOut(role=r, kind="system" if r in SYSTEM_ROLES else "step", title=TITLES.get(r, r),
                     steps=steps.get(r, [])) for r in ROLES]
    permissions = []
    for context in iter_route_contexts(routes):
        route = context.original_route
        if not isinstance(route, APIRoute):
            continue
        needed = required_roles(route)
        if needed is None:
            continue
        scoped = any("{" + p + "}" in context.path for p in ("hall_id", *OWNERS))
        for method in sorted(context.methods):
            permissions.append(PermissionOut(method=method, path=context.path, summary=route.summary or route.name.replace("_", " "),
                                             roles=sorted(needed), own_hall_only=scoped,
                                             centre_only=centre_only(route)))
    permissions.sort(key=lambda p: (p.path, p.method))
    return RoleMatrix(roles=roles, permissions=permissions)


@router.get("/roles", response_model=RoleMatrix)
def get_role_matrix(request: Request, admin: AdminUser) -> RoleMatrix:
    return role_matrix(request.app.router.routes)
