"""The staff password policy (等保: length, character classes, no reuse, expiry). The server applies it when a
password is set; a workstation's change-password dialog applies the same rule before sending."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

# Passwords printed in the README and used by the demo hall: refused outside demo mode.
DEMO_PASSWORDS = frozenset({"GovHall@2026"})


@dataclass(frozen=True)
class PasswordPolicy:
    min_length: int = 12
    min_classes: int = 3
    history: int = 5
    max_age_days: float = 90  # 0 = never expires


def classes_of(password: str) -> int:
    return sum((any(c.islower() for c in password), any(c.isupper() for c in password),
                any(c.isdigit() for c in password), any(not c.isalnum() for c in password)))


def problems(password: str, policy: PasswordPolicy, *, username: str = "") -> list[str]:
    """Codes of what is wrong with a new password; empty when it may be used (reuse is checked apart)."""
    found = []
    if len(password) < policy.min_length:
        found.append("password_too_short")
    if classes_of(password) < policy.min_classes:
        found.append("password_too_simple")
    if username and username.lower() in password.lower():
        found.append("password_contains_username")
    if password in DEMO_PASSWORDS:
        found.append("password_is_demo")
    return found


def expired(changed_at: dt.datetime | None, now: dt.datetime, policy: PasswordPolicy) -> bool:
    if policy.max_age_days <= 0:
        return False
    return changed_at is None or now - changed_at >= dt.timedelta(days=policy.max_age_days)


def made_up_password(length: int) -> str:
    """A random password an admin hands over (a new account, a reset): every character class, at least 12
    characters, none easily misread (no 0/O, 1/l/I). Its owner must change it at the first login."""
    upper, lower, digits = "ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnpqrstuvwxyz", "23456789"
    pool = upper + lower + digits
    chars = [secrets.choice(upper), secrets.choice(lower), secrets.choice(digits), "-"]
    chars += [secrets.choice(pool) for _ in range(max(length, 12) - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)
