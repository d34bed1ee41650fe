"""The per-hall ticket key: the only key a dispenser holds. Tickets and appointments name their citizen by an
HMAC-SM3 index under this key (`person_key`, and the QR token's `token_key`), so a kiosk matches a swiped
ID card or a QR code offline; cases and registers use the server's blind-index key, which never leaves it.

The ticket key is derived from the blind-index key by HMAC-SM3 with the hall in the label: one-way, so a
leaked ticket key gives neither the blind-index key nor another hall's ticket key, and reveals nothing
about cases (their indexes are under a different key)."""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes, hmac

from shared.crypto.keys import KEY_BYTES, KeyProvider, KeyUnavailable

LABEL = b"govhall/ticket-key/v1|hall:"


def derive_ticket_key(keys: KeyProvider, hall_id: int) -> bytes:
    mac = hmac.HMAC(keys.index_key(), hashes.SM3())
    mac.update(LABEL + str(int(hall_id)).encode())
    return mac.finalize()


@dataclass(frozen=True)
class TicketKey:
    """A hall's ticket key in the shape blind_index() takes (it calls `index_key()`); it decrypts nothing."""
    key: bytes

    def __post_init__(self) -> None:
        if len(self.key) < KEY_BYTES:
            raise KeyUnavailable("a ticket key has at least 16 bytes")

    def index_key(self) -> bytes:
        return self.key


def ticket_key_for(keys: KeyProvider, hall_id: int) -> TicketKey:
    return TicketKey(derive_ticket_key(keys, hall_id))
