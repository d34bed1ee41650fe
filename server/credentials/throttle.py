"""The login throttle. A failed login counts against (typed username, client address) and against the address
alone: the pair locks after `lockout_threshold` failures, the address after `address_failure_limit` failures
over any usernames. A fuzzer elsewhere can therefore neither lock admin out of the admin's own desk nor spray
passwords across accounts. Keyed by what was typed, known or not, so the answers tell nothing about which
usernames exist.

A password change guessing the current password (a session left open, a stolen token) is throttled the same
way, by account: after `lockout_threshold` wrong current passwords within `lockout_minutes` the change is
refused without looking at the password until the window has passed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from server.core.settings import Settings
from server.store.models import LoginThrottle


@dataclass
class Throttle:
    session: Session
    settings: Settings
    now: dt.datetime

    @property
    def window(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.settings.lockout_minutes)

    def blocked_until(self, username: str, address: str) -> tuple[str, dt.datetime] | None:
        """('address' | 'account', until) when this attempt must be refused without looking at the password."""
        for kind, key in (("address", _address(address)), ("account", _pair(username, address))):
            row = self.session.get(LoginThrottle, key)
            if row is not None and row.locked_until is not None and row.locked_until > self.now:
                return kind, row.locked_until
        return None

    def failed(self, username: str, address: str) -> dt.datetime | None:
        """Count a failure; the moment the pair stays locked until when this failure locked it, else None."""
        self._count(_address(address), self.settings.address_failure_limit)
        return self._count(_pair(username, address), self.settings.lockout_threshold)

    def succeeded(self, username: str, address: str) -> None:
        row = self.session.get(LoginThrottle, _pair(username, address))
        if row is not None:
            self.session.delete(row)

    def change_blocked_until(self, user_id: int) -> dt.datetime | None:
        row = self.session.get(LoginThrottle, _change(user_id))
        if row is not None and row.locked_until is not None and row.locked_until > self.now:
            return row.locked_until
        return None

    def change_failed(self, user_id: int) -> dt.datetime | None:
        return self._count(_change(user_id), self.settings.lockout_threshold)

    def change_succeeded(self, user_id: int) -> None:
        row = self.session.get(LoginThrottle, _change(user_id))
        if row is not None:
            self.session.delete(row)

    def _count(self, key: str, limit: int) -> dt.datetime | None:
        row = self.session.get(LoginThrottle, key)
        if row is None:
            row = LoginThrottle(key=key, failures=0, first_at=self.now, locked_until=None)
            self.session.add(row)
        if self.now - row.first_at >= self.window or (row.locked_until is not None and row.locked_until <= self.now):
            row.failures, row.first_at, row.locked_until = 0, self.now, None
        row.failures += 1
        if row.failures >= limit:
            row.locked_until = self.now + self.window
            return row.locked_until
        return None


def _pair(username: str, address: str) -> str:
    return f"acct:{address}|{username.strip().lower()}"[:200]


def _change(user_id: int) -> str:
    return f"pwchange:{user_id}"


def _address(address: str) -> str:
    return f"addr:{address}"[:200]
