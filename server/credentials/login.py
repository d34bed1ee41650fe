"""The staff login a token names, read in one statement: the token, its member with the member's roles, and the
member's password state. Every staff request checks all three, and the four reads they took one by one were a
quarter of the server's time under the staff load (issue 19)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, joinedload

from server.store.models import AuthToken, StaffCredential
from shared.db.models import StaffUser


@dataclass(frozen=True)
class Login:
    token: AuthToken
    user: StaffUser
    credential: StaffCredential | None  # None: an account from before credentials were tracked


_LOGIN = (select(AuthToken, StaffUser, StaffCredential)
          .join(StaffUser, StaffUser.id == AuthToken.user_id)
          .outerjoin(StaffCredential, StaffCredential.user_id == AuthToken.user_id)
          .options(joinedload(StaffUser.roles))
          .where(AuthToken.token_hash == bindparam("token_hash")))
_KEPT = "govhall_logins"


def login_of(session: Session, token_hash: str) -> Login | None:
    """The login, read once per unit of work: the session holds it (its identity map alone would not: it keeps
    rows only while something else does), so the request's later checks and `session.get`s read no more."""
    kept = session.info.setdefault(_KEPT, {})
    login = kept.get(token_hash)
    if login is None:
        row = session.execute(_LOGIN, {"token_hash": token_hash}).unique().one_or_none()
        if row is None:
            return None  # not kept: the token may be created later in this unit of work (a login)
        login = kept[token_hash] = Login(*row)
    return login
