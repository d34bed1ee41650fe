"""Typed errors of the approval engine. Each has a stable `code`; messages.py maps codes to Chinese text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from shared.errors import DomainError


class ApprovalError(DomainError):
    code = "approval_error"


class StaleCommand(ApprovalError):
    """The command's base (expected version and state) no longer matches the case: someone acted first."""

    code = "stale_command"

    def __init__(self, *, case_id: str, expected_version: int, expected_status: str | None,
                 current_version: int, current_status: str | None, changed_by: str | None,
                 changed_by_role: str | None, changed_at: dt.datetime | None) -> None:
        super().__init__(
            f"case {case_id} is at version {current_version} ({current_status}), "
            f"the command expected version {expected_version} ({expected_status})",
            case_id=case_id, expected_version=expected_version, expected_status=expected_status,
            current_version=current_version, current_status=current_status, changed_by=changed_by,
            changed_by_role=changed_by_role, changed_at=changed_at.isoformat() if changed_at else None)
        self.current_version = current_version
        self.current_status = current_status
        self.changed_by = changed_by
        self.changed_at = changed_at


class ActionNotAllowed(ApprovalError):
    """The action does not fit the case's status or the step's allowed actions."""

    code = "action_not_allowed"

    def __init__(self, action: str, reason: str, **details: object) -> None:
        super().__init__(f"{action} is not allowed: {reason}", action=action, **details)
        self.action = action


class RoleNotAllowed(ApprovalError):
    code = "role_not_allowed"

    def __init__(self, action: str, role: str, allowed: Iterable[str]) -> None:
        allowed = sorted(allowed)
        super().__init__(f"role {role!r} may not {action}; allowed: {', '.join(allowed)}",
                         action=action, role=role, allowed=allowed)


class InvalidCommand(ApprovalError):
    """A command is malformed: a required field is empty or out of range. `code` says which rule."""

    code = "invalid_command"

    def __init__(self, code: str, message: str, **details: object) -> None:
        super().__init__(message, code=code, **details)


class MissingMaterials(ApprovalError):
    code = "missing_materials"

    def __init__(self, missing: Sequence[str]) -> None:
        super().__init__(f"required materials missing: {', '.join(missing)}", missing=list(missing))
        self.missing = tuple(missing)


class UnknownDefinition(ApprovalError):
    code = "unknown_definition"


class UnknownCase(ApprovalError):
    code = "unknown_case"


@dataclass(frozen=True)
class DefinitionProblem:
    code: str
    step: str | None
    detail: str


class InvalidDefinition(ApprovalError):
    """A workflow definition breaks one or more rules; `problems` lists every one of them."""

    code = "invalid_definition"

    def __init__(self, problems: Sequence[DefinitionProblem]) -> None:
        super().__init__("; ".join(f"{p.code}: {p.detail}" for p in problems),
                         problems=[{"code": p.code, "step": p.step, "detail": p.detail} for p in problems])
        self.problems = tuple(problems)

    @property
    def codes(self) -> set[str]:
        return {p.code for p in self.problems}
