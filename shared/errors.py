"""Typed domain errors. Each carries a stable machine code; user-facing Chinese text lives in the UI layers
and in the server's error envelope, keyed by these codes."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base class: a rule was broken. `code` is stable and documented; `details` is JSON-safe."""

    code: str = "domain_error"

    def __init__(self, message: str, *, code: str | None = None, **details: Any) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        self.message = message
        self.details = details

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, **({"details": self.details} if self.details else {})}


class NotFound(DomainError):
    code = "not_found"


class Conflict(DomainError):
    code = "conflict"


class PermissionDenied(DomainError):
    code = "permission_denied"
