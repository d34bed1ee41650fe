"""Keyed-hash blind index (HMAC-SM3) so encrypted values stay searchable by exact match.

The kind is hashed in too, so the same digits as an ID number and as a phone number index differently.
Callers pass normalised values (see shared.approval.personal)."""

from __future__ import annotations

from cryptography.hazmat.primitives import hashes, hmac

from shared.crypto.keys import KeyProvider


def blind_index(kind: str, normalised_value: str, keys: KeyProvider) -> str:
    mac = hmac.HMAC(keys.index_key(), hashes.SM3())
    mac.update(kind.encode() + b"\x00" + normalised_value.encode())
    return mac.finalize().hex()
