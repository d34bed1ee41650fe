"""Setting, changing and resetting a staff password under the policy (shared/password_policy.py), keeping the
last hashes so they are not reused, and whether a signed-in member must change theirs before anything else."""

from __future__ import annotations

import datetime as dt
import functools

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.core.settings import Settings
from server.store.models import PasswordHistory, StaffCredential
from shared.db.models import StaffUser
from shared.errors import DomainError
from shared.password_policy import PasswordPolicy, expired, problems
from shared.passwords import hash_password, verify_password


class PasswordRefused(DomainError):
    """The new password breaks the policy; `details['problems']` lists every rule it breaks."""


def policy_of(settings: Settings) -> PasswordPolicy:
    return PasswordPolicy(min_length=settings.password_min_length, min_classes=settings.password_min_classes,
                          history=settings.password_history, max_age_days=settings.password_max_age_days)


@functools.lru_cache(maxsize=8)
def decoy_hash(iterations: int) -> str:
    """A hash nobody's password matches: an unknown username is checked against it, costing the same time."""
    return hash_password("decoy-" + str(iterations), iterations=iterations)


def credential(session: Session, user: StaffUser) -> StaffCredential:
    row = session.get(StaffCredential, user.id)
    if row is None:
        row = StaffCredential(user_id=user.id, must_change=False, changed_at=None)
        session.add(row)
    return row


def change_required(session: Session, user: StaffUser, now: dt.datetime, policy: PasswordPolicy) -> bool:
    row = session.get(StaffCredential, user.id)
    if row is None:  # an account from before credentials were tracked: its age counts from its next change
        return False
    return row.must_change or expired(row.changed_at, now, policy)


def set_password(session: Session, user: StaffUser, password: str, *, settings: Settings, now: dt.datetime,
                 must_change: bool) -> None:
    """Check `password` against the policy and the last hashes, then store it. `must_change` marks a password
    someone else chose (a new account, a reset): its owner must replace it at the next login."""
    policy = policy_of(settings)
    found = problems(password, policy, username=user.username)
    if _reused(session, user, password, policy.history):
        found.append("password_reused")
    if found:
        raise PasswordRefused("password refused", code=found[0], problems=found,
                              min_length=policy.min_length, min_classes=policy.min_classes)
    if user.password_hash:
        session.add(PasswordHistory(user_id=user.id, password_hash=user.password_hash, set_at=now))
    user.password_hash = hash_password(password, iterations=settings.password_iterations)
    row = credential(session, user)
    row.must_change, row.changed_at = must_change, now
    session.flush()


def _reused(session: Session, user: StaffUser, password: str, history: int) -> bool:
    if history <= 0:
        return False
    earlier = session.scalars(select(PasswordHistory.password_hash).where(PasswordHistory.user_id == user.id)
                              .order_by(PasswordHistory.id.desc()).limit(history - 1)).all()
    return any(verify_password(password, h) for h in [user.password_hash, *earlier] if h)
