"""The booking code (预约码): eight characters given once at booking (on screen, in the SMS), without which the
ID number alone neither lists nor cancels a booking. Stored as a keyed hash bound to its appointment."""

from __future__ import annotations

import secrets
from hmac import compare_digest

from shared.crypto.blind_index import blind_index
from shared.crypto.keys import KeyProvider

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed from an SMS
LENGTH = 8
KIND = "booking_code"


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalised(code: str) -> str:
    return code.strip().upper().replace("-", "").replace(" ", "")


def code_hash(appointment_id: str, code: str, keys: KeyProvider) -> str:
    return blind_index(KIND, f"{appointment_id}:{normalised(code)}", keys)


def matches(appointment_id: str, stored: str, code: str, keys: KeyProvider) -> bool:
    return bool(stored) and compare_digest(code_hash(appointment_id, code, keys), stored)
