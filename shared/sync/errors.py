"""Typed errors of the client library, with stable codes."""

from __future__ import annotations

from shared.errors import DomainError


class SyncFailed(DomainError):
    """A sync step could not finish; the loop backs off and retries. `retry` is False when retrying the same
    thing cannot help (the device must be re-registered or the app upgraded)."""

    def __init__(self, message: str, *, code: str, retry: bool = True, **details) -> None:
        super().__init__(message, code=code, **details)
        self.retry = retry
