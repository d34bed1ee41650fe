"""One-time registration codes (扫码登记): an admin makes one for a device kind, hall (and window); the QR code
the admin's page shows carries it with the server's address and the hall; the device redeems it once, before
it expires, and gets the config provisioning renders (server/sync/provisioning.py) — its token travels only
in that answer, over the device's own connection. Only the code's SHA-256 is stored."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import update
from sqlalchemy.orm import Session

from server.store.models import RegistrationCode
from server.sync import provisioning
from server.sync.errors import SyncError
from shared.crypto.keys import KeyProvider
from shared.protocol.registration import RegistrationQr


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode("ascii")).hexdigest()


def make_code(session: Session, *, kind: str, hall_code: str, window_number: int | None, server_url: str,
              name: str, created_by: str, now: dt.datetime, valid: dt.timedelta) -> tuple[RegistrationQr, dt.datetime]:
    """A new code for what provisioning would accept now (the same checks run again when it is redeemed)."""
    provisioning.check_request(session, kind=kind, hall_code=hall_code, window_number=window_number,
                               server_url=server_url)
    code = secrets.token_urlsafe(24)  # 192 bits
    expires = now + valid
    session.add(RegistrationCode(code_hash=_digest(code), kind=kind, hall_code=hall_code,
                                 window_number=window_number, name=name, server_url=server_url,
                                 created_by=created_by, created_at=now, expires_at=expires))
    session.flush()
    return RegistrationQr(server_url.rstrip("/"), hall_code, kind, code), expires


def redeem(session: Session, *, code: str, kind: str, now: dt.datetime,
           keys: KeyProvider | None) -> provisioning.Provisioned:
    """Register the device the code was made for; the code is spent in the same transaction."""
    row = session.get(RegistrationCode, _digest(code))
    if row is None:
        raise SyncError(404, "registration_code_unknown", "登记码无效（no such registration code）")
    if row.used_at is not None:
        raise SyncError(409, "registration_code_used", "该登记码已使用，请管理员重新生成（the code was used）")
    if row.expires_at <= now:
        raise SyncError(410, "registration_code_expired", "登记码已过期，请管理员重新生成（the code expired）")
    if row.kind != kind:
        raise SyncError(422, "registration_kind_mismatch", "该登记码不是为此类设备生成的（made for another kind）",
                        made_for=row.kind, kind=kind)
    spent = session.execute(update(RegistrationCode).where(RegistrationCode.code_hash == row.code_hash,
                                                          RegistrationCode.used_at.is_(None))
                            .values(used_at=now))
    if spent.rowcount != 1:  # another device redeemed it at the same moment
        raise SyncError(409, "registration_code_used", "该登记码已使用，请管理员重新生成（the code was used）")
    done = provisioning.provision(session, kind=row.kind, hall_code=row.hall_code, window_number=row.window_number,
                                  server_url=row.server_url, name=row.name, keys=keys)
    row.device_id = done.device_id
    return done
