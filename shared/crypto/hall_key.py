"""A hall's verification key: derived one-way per hall from the blind-index key (as the dispenser's ticket key
is, under another label). Provisioning writes it into each workstation's file; it signs the QR codes of notices
and receipts made offline (shared/verification.py) and yields the hall's 查询码 key (shared/approval/query_code.py)."""

from __future__ import annotations

from cryptography.hazmat.primitives import hashes, hmac

from shared.crypto.keys import KeyProvider

KEY_LABEL = b"govhall/verify-key/v1|hall:"


def derive_hall_key(keys: KeyProvider, hall_id: int) -> bytes:
    mac = hmac.HMAC(keys.index_key(), hashes.SM3())
    mac.update(KEY_LABEL + str(int(hall_id)).encode())
    return mac.finalize()
