"""The SM2 keys notices are signed with: a workstation's key is bound to that device at the first 送达 it
records (a key cannot then speak for another device); the server signs the notices its route renders with its
own key, kept in <data_dir>/notice-signing.key (0600, made once) and registered as device "server"."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

from sqlalchemy.orm import Session

from server.approval.models import NoticeSigningKey
from server.sync.registry import Rejected
from shared.crypto.sm2 import Signer, load_or_create_signer, sm3_hex

SERVER_DEVICE = "server"
KEY_FILE = "notice-signing.key"


def key_id(public_key: str) -> str:
    return sm3_hex(bytes.fromhex(public_key))[:16]


def bind_key(session: Session, device_id: str, public_key: str, now: dt.datetime) -> NoticeSigningKey:
    """The key's row, made on its first use; refused when the key is already another device's."""
    kid = key_id(public_key)
    row = session.get(NoticeSigningKey, kid)
    if row is None:
        row = NoticeSigningKey(key_id=kid, device_id=device_id, public_key=public_key, first_used_at=now)
        session.add(row)
        session.flush()
    elif row.device_id != device_id or row.public_key != public_key:
        raise Rejected("signing_key_of_another_device",
                       "签名密钥属于其他工作站（the notice was signed with another device's key）",
                       status=409, key_id=kid)
    return row


@lru_cache(maxsize=4)
def _signer(path: Path) -> Signer:
    return load_or_create_signer(path)


def server_signer(data_dir: Path) -> Signer:
    return _signer((data_dir / KEY_FILE).resolve())
