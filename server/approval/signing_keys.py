"""The SM2 keys notices are signed with. A workstation's key is registered with the device: provisioning
makes it and writes it into the workstation's file, and a registration may name the public key of one the
workstation made itself. A 送达 signed with any other key is then refused. A device registered before keys
came with registration has none: its key is bound to it at the first 送达 it records, as before. Either way a
key cannot speak for another device. The server signs the notices its route renders with its own key, kept in
<data_dir>/notice-signing.key (0600, made once)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.approval.models import NoticeSigningKey
from server.sync.registry import Rejected
from shared.crypto.sm2 import Signer, load_or_create_signer, sm3_hex

SERVER_DEVICE = "server"
KEY_FILE = "notice-signing.key"


def key_id(public_key: str) -> str:
    return sm3_hex(bytes.fromhex(public_key))[:16]


def register_key(session: Session, device_id: str, public_key: str, now: dt.datetime) -> NoticeSigningKey:
    """The device's signing key, registered with it; refused when the key is already another device's."""
    kid = key_id(public_key)
    row = session.get(NoticeSigningKey, kid)
    if row is not None and (row.device_id != device_id or row.public_key != public_key):
        raise Rejected("signing_key_of_another_device",
                       "签名密钥属于其他设备（the signing key is another device's）", status=409, key_id=kid)
    if row is None:
        row = NoticeSigningKey(key_id=kid, device_id=device_id, public_key=public_key)
        session.add(row)
    row.registered_at = row.registered_at or now
    session.flush()
    return row


def registered_keys(session: Session, device_id: str) -> list[NoticeSigningKey]:
    return list(session.scalars(select(NoticeSigningKey).where(NoticeSigningKey.device_id == device_id,
                                                               NoticeSigningKey.registered_at.is_not(None))))


def bind_key(session: Session, device_id: str, public_key: str, now: dt.datetime) -> NoticeSigningKey:
    """At a 送达: the key must be one registered with this device; a device with none registered (an old one)
    has the key bound to it on its first use. Refused when the key is another device's."""
    kid = key_id(public_key)
    row = session.get(NoticeSigningKey, kid)
    if row is None:
        if registered_keys(session, device_id):
            raise Rejected("signing_key_not_registered",
                           "签名密钥不是本工作站注册的密钥（the notice was signed with a key not registered for this "
                           "device）", status=409, key_id=kid)
        row = NoticeSigningKey(key_id=kid, device_id=device_id, public_key=public_key, first_used_at=now)
        session.add(row)
        session.flush()
    elif row.device_id != device_id or row.public_key != public_key:
        raise Rejected("signing_key_of_another_device",
                       "签名密钥属于其他工作站（the notice was signed with another device's key）",
                       status=409, key_id=kid)
    elif row.first_used_at is None:
        row.first_used_at = now
    return row


@lru_cache(maxsize=4)
def _signer(path: Path) -> Signer:
    return load_or_create_signer(path)


def server_signer(data_dir: Path) -> Signer:
    return _signer((data_dir / KEY_FILE).resolve())
