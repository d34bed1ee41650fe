"""Disabling an account reaches the workstations through sync: the staff rows of the hall come with every pull
(shared.reference), and after each pull the workstation marks its offline password and PIN verifiers of the
accounts now disabled (and unmarks those enabled again), so an offline sign-in of a disabled account is refused
with `offline_account_disabled` (client/services/offline_logins.py)."""

from __future__ import annotations

import logging

from sqlalchemy import Engine, select

from client.services.offline_logins import OfflineLoginStore
from shared.db.models.staff import StaffUser
from shared.sync.client import SyncClient

log = logging.getLogger(__name__)


def account_states(engine: Engine) -> dict[str, bool]:
    """username → active, as last synced into the cache."""
    with engine.connect() as conn:
        return {u: bool(a) for u, a in conn.execute(select(StaffUser.username, StaffUser.active))}


def mark_accounts(engine: Engine, stores: list[OfflineLoginStore]) -> int:
    states = account_states(engine)
    return sum(store.mark_accounts(states) for store in stores)


def follow_accounts(sync: SyncClient, engine: Engine, stores: list[OfflineLoginStore]) -> None:
    """Mark now, and after every pull that brought rows (on the sync thread)."""
    def pulled(_changes: int) -> None:
        try:
            mark_accounts(engine, stores)
        except OSError:  # the verifier files could not be written: the next pull tries again
            log.warning("offline login verifiers not updated", exc_info=True)
    mark_accounts(engine, stores)
    sync.on_pulled(pulled)
