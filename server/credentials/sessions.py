"""Staff sessions ended at once: every token of a member (revoke-all, a reset, a disable)."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from server.store.models import AuthToken


def revoke_all(session: Session, user_id: int) -> int:
    done = session.execute(update(AuthToken).where(AuthToken.user_id == user_id, AuthToken.revoked.is_(False))
                           .values(revoked=True))
    return done.rowcount or 0
