"""Idle expiry of staff session tokens: a token unused for `token_idle_minutes` is refused (REST:
401 token_idle_expired; sync: 401 staff_token_idle) and stays refused — the member signs in again. What counts
as use: an authenticated REST call and a sync request that writes (push, lease). A device's background pulls
do not: an unattended workstation's session runs out as its holder's would. The workstation locks its screen
when the server refuses its token, and unlocking signs in again (client/app.py)."""

from __future__ import annotations

import datetime as dt

from server.store.models import AuthToken

TOUCH_EVERY = dt.timedelta(minutes=1)  # last use recorded to the minute: not a write on every request


def idle_expired(row: AuthToken, now: dt.datetime, idle_minutes: float) -> bool:
    last = row.last_used_at or row.issued_at
    return now - last > dt.timedelta(minutes=idle_minutes)


def use_due(row: AuthToken, now: dt.datetime) -> bool:
    """Whether a use now must be recorded (the last one recorded is a minute old, or there is none)."""
    return row.last_used_at is None or now - row.last_used_at >= TOUCH_EVERY


def touch(row: AuthToken, now: dt.datetime) -> None:
    if use_due(row, now):
        row.last_used_at = now
