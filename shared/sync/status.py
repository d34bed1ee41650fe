"""What the UI shows about sync: online or not, last success, unsent commands, rejections with reasons."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RejectedCommand:
    seq: int
    command_id: str
    name: str
    code: str
    message: str
    details: dict


@dataclass(frozen=True)
class SyncStatus:
    online: bool
    last_success_at: dt.datetime | None
    pending: int
    rejected: list[RejectedCommand] = field(default_factory=list)  # not yet acknowledged by their author
    alarms: list[str] = field(default_factory=list)  # e.g. "fallback_number:A": numbers issued without a lease
    last_error: str | None = None
    clock_offset_ms: int = 0  # server time minus this device's clock, measured at each sync (skew)
    last_error_code: str | None = None

    @property
    def credential_revoked(self) -> bool:
        """The server no longer accepts this device's token (an admin revoked or replaced it): syncing stops
        until the device is provisioned again, and the screen must say so."""
        return self.last_error_code in REVOKED


REVOKED = frozenset({"device_revoked", "device_token_invalid"})
# The server refuses the member's session token (unused too long, revoked, ended): the member signs in again;
# the outbox waits meanwhile (client/windows/token_guard.py).
STAFF_TOKEN_REFUSED = frozenset({"staff_token_idle", "staff_token_invalid"})
