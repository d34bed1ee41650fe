"""Applicant identities on the server: validate, seal (SM4-GCM), index (HMAC-SM3) and mask resident IDs and
USCCs. Keys come from GOVHALL_PII_KEYS / GOVHALL_PII_INDEX_KEY, read when needed (so tests and a key
rotation without restart see the current environment)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

from shared.approval.personal import PHONE, RESIDENT_ID, normalise, protect, reveal
from shared.crypto.blind_index import blind_index
from shared.crypto.keys import KeyProvider, keys_from_environment
from shared.crypto.sm4 import open_sealed, seal
from shared.validation import InvalidIdentifier, check_uscc, mask_uscc

USCC = "uscc"
KIND_OF = {"person": RESIDENT_ID, "company": USCC}


def pii_keys() -> KeyProvider:
    """Raises KeyUnavailable (code key_unavailable) when the server has no keys configured."""
    return _keys(os.environ.get("GOVHALL_PII_KEYS", ""), os.environ.get("GOVHALL_PII_INDEX_KEY", ""))


@lru_cache(maxsize=4)
def _keys(spec: str, index: str) -> KeyProvider:
    return keys_from_environment({"GOVHALL_PII_KEYS": spec, "GOVHALL_PII_INDEX_KEY": index})


@dataclass(frozen=True)
class Protected:
    kind: str        # resident_id / uscc / phone
    sealed: str
    key: str         # blind index
    masked: str


def normalise_identity(kind: str, value: str) -> str:
    """The stored form; raises InvalidIdentifier for a malformed ID or USCC."""
    return check_uscc(value) if kind == USCC else normalise(kind, value)


def protect_identity(kind: str, value: str, keys: KeyProvider, where: str) -> Protected:
    if kind == USCC:
        clear = check_uscc(value)
        return Protected(USCC, seal(clear, keys, f"{USCC}|{where}"), blind_index(USCC, clear, keys),
                         mask_uscc(clear))
    p = protect(kind, value, keys, where)
    return Protected(kind, p.sealed, p.index, p.masked)


def reveal_identity(kind: str, sealed: str, keys: KeyProvider, where: str) -> str:
    if kind == USCC:
        return open_sealed(sealed, keys, f"{USCC}|{where}")
    return reveal(kind, sealed, keys, where)


def search_key(value: str, keys: KeyProvider) -> str | None:
    """The blind index of a typed-in ID or USCC (whichever it validates as), None when it is neither."""
    for kind in (RESIDENT_ID, USCC):
        try:
            return blind_index(kind, normalise_identity(kind, value), keys)
        except InvalidIdentifier:
            continue
    return None


def phone_ok(value: str) -> bool:
    return len(normalise(PHONE, value)) in (7, 8, 11, 12)


NAME = "name"  # an applicant's name: sealed, and indexed for exact search (whitespace ignored)


def normalise_name(name: str) -> str:
    return "".join((name or "").split())


def seal_name(name: str, keys: KeyProvider, where: str) -> str:
    return seal(name, keys, f"{NAME}|{where}") if name else ""


def open_name(sealed: str, keys: KeyProvider, where: str) -> str:
    return open_sealed(sealed, keys, f"{NAME}|{where}") if sealed else ""


def name_key(name: str, keys: KeyProvider) -> str:
    """The blind index a typed-in name is searched by ("" for no name)."""
    clear = normalise_name(name)
    return blind_index(NAME, clear, keys) if clear else ""
