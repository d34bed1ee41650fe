"""Engine errors as sync rejections: the engine's code, a Chinese message for the author (shared.approval
.messages) with the English detail, and an HTTP-like status."""

from __future__ import annotations

from server.sync.registry import Rejected
from shared.approval.errors import RoleNotAllowed, StaleCommand, UnknownCase, UnknownDefinition
from shared.approval.messages import message_for
from shared.errors import DomainError

_STATUS = {RoleNotAllowed: 403, UnknownCase: 404, UnknownDefinition: 422}


def rejected_from(exc: DomainError) -> Rejected:
    text = f"{message_for(exc.code)}（{exc.message}）"
    if isinstance(exc, StaleCommand):
        # SYNC.md: the author learns the current state, who changed it and when.
        return Rejected("stale_command", text, status=409, **{**exc.details, "current_state": exc.current_status})
    status = next((s for kind, s in _STATUS.items() if isinstance(exc, kind)), 409)
    # `status` in the engine's details is the case's status; Rejected's own `status` is the HTTP one.
    details = {("case_status" if k == "status" else k): v for k, v in exc.details.items() if k != "code"}
    return Rejected(exc.code, text, status=status, **details)
