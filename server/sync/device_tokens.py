"""Device tokens revoked and rotated by an admin. A revoked device is refused at once (`device_revoked`); a
rotated one gets a new token (shown once) and its old one stops working. Anything that remembers tokens (a
cache of authenticated devices) subscribes to `token_revoked`, the one call every revocation goes through."""

from __future__ import annotations

import datetime as dt
import secrets
import threading
from collections.abc import Callable

from sqlalchemy.orm import Session

from server.sync.devices import AuthError, hash_token
from server.sync.models import SyncDevice

_listeners: list[Callable[[str], None]] = []
_lock = threading.Lock()


def subscribe(listener: Callable[[str], None]) -> Callable[[], None]:
    """Call `listener(token_hash)` whenever a token stops being valid; returns the unsubscribe call."""
    with _lock:
        _listeners.append(listener)
    return lambda: _unsubscribe(listener)


def _unsubscribe(listener: Callable[[str], None]) -> None:
    with _lock:
        if listener in _listeners:
            _listeners.remove(listener)


def token_revoked(token_hash: str) -> None:
    """The single point every revocation and rotation goes through."""
    with _lock:
        listeners = list(_listeners)
    for listener in listeners:
        listener(token_hash)


def _credential(session: Session, device_id: str) -> SyncDevice:
    cred = session.get(SyncDevice, device_id)
    if cred is None:
        raise AuthError(404, "device_unknown", "设备不存在（no such device）", device_id=device_id)
    return cred


def revoke(session: Session, device_id: str, now: dt.datetime) -> SyncDevice:
    cred = _credential(session, device_id)
    if cred.revoked_at is None:
        cred.revoked_at = now
    token_revoked(cred.token_hash)
    return cred


def rotate(session: Session, device_id: str) -> str:
    """A new token for the device (also lifts a revocation); the old one is refused from now on."""
    cred = _credential(session, device_id)
    old, token = cred.token_hash, secrets.token_urlsafe(32)
    cred.token_hash, cred.revoked_at = hash_token(token), None
    session.flush()
    token_revoked(old)
    return token
