"""The progress query code (查询码) printed on a case's receipt: with the case number it opens the case's
progress on the citizens' phone pages, and nothing else.

It is derived, not stored: code = the first 8 base32 characters of HMAC-SM3(query key, case number), where the
hall's query key is HMAC-SM3(the hall's verification key, label) and that key is the one provisioning gives each
workstation to sign QR codes (shared.crypto.hall_key, one-way from the blind-index key). So a counter
PC prints the code offline, at acceptance, with no new column and nothing to sync; the server recomputes it.
A leaked query key opens only that hall's masked progress answers (never an ID index nor a decryption), and a
guess is one in 2^40, behind per-client and per-case rate limits."""

from __future__ import annotations

import base64
import hmac as std_hmac

from cryptography.hazmat.primitives import hashes, hmac

from shared.crypto.keys import KeyProvider
from shared.crypto.hall_key import derive_hall_key

LABEL = b"govhall/case-query-key/v2"
LENGTH = 8


def query_key_of(hall_key: bytes) -> bytes:
    """The hall's query key from its verification key (what a workstation holds)."""
    mac = hmac.HMAC(hall_key, hashes.SM3())
    mac.update(LABEL)
    return mac.finalize()


def derive_query_key(keys: KeyProvider, hall_id: int) -> bytes:
    """The same key on the server, from the blind-index key."""
    return query_key_of(derive_hall_key(keys, hall_id))


def normalise_case_number(text: str) -> str:
    return "".join(text.split()).upper()


def query_code(query_key: bytes, case_number: str) -> str:
    """What the receipt prints beside the case number (A–Z and 2–7: no 0/O or 1/I to confuse)."""
    mac = hmac.HMAC(query_key, hashes.SM3())
    mac.update(normalise_case_number(case_number).encode())
    return base64.b32encode(mac.finalize()).decode()[:LENGTH]


def code_matches(query_key: bytes, case_number: str, typed: str) -> bool:
    return std_hmac.compare_digest(query_code(query_key, case_number).encode(),
                                   "".join(typed.split()).upper().encode())
