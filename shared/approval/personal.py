"""Personal data on cases: one place that normalises, masks, encrypts (SM4-GCM) and indexes (HMAC-SM3)
resident ID and phone numbers. Masking rules come from shared.validation."""

from __future__ import annotations

from dataclasses import dataclass

from shared.crypto.blind_index import blind_index
from shared.crypto.keys import KeyProvider
from shared.crypto.sm4 import open_sealed, seal
from shared.validation import mask_phone, mask_resident_id, normalise_phone, normalise_resident_id

RESIDENT_ID = "resident_id"
PHONE = "phone"


def normalise(kind: str, value: str) -> str:
    if kind == RESIDENT_ID:
        return normalise_resident_id(value)  # validates; lower-case x becomes X
    if kind == PHONE:
        return normalise_phone(value)
    raise ValueError(f"unknown kind of personal data: {kind}")


def mask(kind: str, normalised_value: str) -> str:
    return mask_resident_id(normalised_value) if kind == RESIDENT_ID else mask_phone(normalised_value)


@dataclass(frozen=True)
class ProtectedValue:
    sealed: str       # store this
    index: str        # search by this
    masked: str       # show this (unless the user's role may see the value)


def protect(kind: str, value: str, keys: KeyProvider, where: str) -> ProtectedValue:
    """`where` names the owning field, e.g. "case:K1:receiver_id"; it is bound into the ciphertext."""
    clear = normalise(kind, value)
    return ProtectedValue(seal(clear, keys, f"{kind}|{where}"), blind_index(kind, clear, keys), mask(kind, clear))


def reveal(kind: str, protected: ProtectedValue | str, keys: KeyProvider, where: str) -> str:
    sealed = protected.sealed if isinstance(protected, ProtectedValue) else protected
    return open_sealed(sealed, keys, f"{kind}|{where}")


def search_key(kind: str, value: str, keys: KeyProvider) -> str:
    """The blind index to look a typed-in value up by."""
    return blind_index(kind, normalise(kind, value), keys)
