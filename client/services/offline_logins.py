"""Offline login verifiers: after a successful online login the workstation keeps a salted PBKDF2-HMAC-SM3
verifier of the password and the user's profile, so that the same user can sign in while the server is
unreachable. Failed offline attempts lock the account locally, as the server would. Keypad-login PINs are kept
the same way in a store of their own, keyed by the digits typed for the staff number (shared.pins).

An account the admin disabled is marked so when sync brings its staff row (client/services/offline_accounts.py):
its offline logins are refused with `offline_account_disabled` — after the password checks, so a guess learns
nothing more than the server would tell. Enabled again, the mark goes."""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from shared.errors import DomainError
from shared.passwords import hash_password, verify_password


class OfflineLoginRefused(DomainError):
    code = "offline_login_refused"


@dataclass(frozen=True)
class OfflinePolicy:
    threshold: int = 5
    lock_minutes: float = 15
    max_age_days: float = 30  # a verifier older than the longest offline period we support is not trusted
    iterations: int = 200_000


_LOCKS: dict[Path, threading.Lock] = {}
_LOCKS_LOCK = threading.Lock()


def _lock_of(path: Path) -> threading.Lock:
    """One lock per file: the login dialog and the sync thread's account marks may hold stores of one file."""
    with _LOCKS_LOCK:
        return _LOCKS.setdefault(path.resolve(), threading.Lock())


class OfflineLoginStore:
    def __init__(self, path: Path, policy: OfflinePolicy = OfflinePolicy(),
                 wrong_code: str = "offline_wrong_password") -> None:
        self.path, self.policy = path, policy
        self.wrong_code = wrong_code  # offline_wrong_pin in the PIN store
        self._lock = _lock_of(path)

    def _read(self) -> dict:
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            return {}  # a damaged file only costs offline logins; the next online login rewrites it

    def _write(self, data: dict) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".logins-")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)  # atomic: a crash leaves the old file or the new one, never half of one

    def remember(self, username: str, password: str, profile: dict, now: dt.datetime) -> None:
        with self._lock:
            data = self._read()
            data[username] = {"verifier": hash_password(password, iterations=self.policy.iterations),
                              "profile": profile, "saved_at": now.isoformat(), "failures": 0, "locked_until": None}
            self._write(data)

    def mark_accounts(self, active: dict[str, bool]) -> int:
        """Follow the accounts' state as the server published it (username → active): a disabled account's
        verifiers are kept but refused. Returns how many entries changed."""
        with self._lock:
            data = self._read()
            changed = 0
            for entry in data.values():
                state = active.get((entry.get("profile") or {}).get("username"))
                if state is not None and bool(entry.get("disabled")) == state:
                    entry["disabled"] = not state
                    changed += 1
            if changed:
                self._write(data)
            return changed

    def forget(self, username: str) -> None:
        with self._lock:
            data = self._read()
            if data.pop(username, None) is not None:
                self._write(data)

    def verify(self, username: str, password: str, now: dt.datetime) -> dict:
        """The stored profile, or OfflineLoginRefused with a code saying why."""
        with self._lock:
            data = self._read()
            entry = data.get(username)
            if entry is None:
                raise OfflineLoginRefused("this user has never signed in on this workstation while online",
                                          code="offline_unknown_user")
            if now - dt.datetime.fromisoformat(entry["saved_at"]) > dt.timedelta(days=self.policy.max_age_days):
                raise OfflineLoginRefused("the offline login has expired; sign in once while online",
                                          code="offline_expired")
            locked = entry.get("locked_until")
            if locked and dt.datetime.fromisoformat(locked) > now:
                raise OfflineLoginRefused("too many failed attempts; try again later", code="offline_locked",
                                          locked_until=locked)
            if not verify_password(password, entry["verifier"]):
                entry["failures"] = entry.get("failures", 0) + 1
                if entry["failures"] >= self.policy.threshold:
                    entry["failures"] = 0
                    entry["locked_until"] = (now + dt.timedelta(minutes=self.policy.lock_minutes)).isoformat()
                self._write(data)
                raise OfflineLoginRefused("wrong username or password", code=self.wrong_code)
            if entry.get("failures") or entry.get("locked_until"):
                entry["failures"], entry["locked_until"] = 0, None
                self._write(data)
            if entry.get("disabled"):
                raise OfflineLoginRefused("this account has been disabled", code="offline_account_disabled")
            return entry["profile"]
