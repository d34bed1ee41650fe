"""Errors that refuse a whole sync request; `status` is the HTTP status the route answers with."""

from __future__ import annotations

from shared.errors import DomainError


class SyncError(DomainError):
    def __init__(self, status: int, code: str, message: str, **details) -> None:
        super().__init__(message, code=code, **details)
        self.status = status
