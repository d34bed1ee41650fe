"""The phone of a ticket taken by phone number (手机号取号), sealed by the dispenser for the server.

The dispenser holds only its hall's ticket key (shared/crypto/ticket_key.py). From it both ends derive, one
way, an SM4 key for ticket phones: the dispenser seals the number when it takes the ticket, so the clear
number never reaches its outbox, cache or WAL (it works offline like every issue); the server derives the
same key from its blind-index key and the hall, opens the value once and keeps it under its own PII keys
(server/queue/ticket_phones.py). The associated data binds the value to its ticket: copied onto another
ticket it does not open."""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes, hmac

from shared.crypto.keys import KEY_BYTES, KeyUnavailable
from shared.crypto.sm4 import open_sealed, seal

LABEL = b"govhall/ticket-phone/v1"
KEY_ID = "tp1"


@dataclass(frozen=True)
class TicketPhoneKey:
    """A KeyProvider (for shared.crypto.sm4) holding the one key derived from a hall's ticket key."""
    key: bytes
    current_key_id: str = KEY_ID

    def encryption_key(self, key_id: str) -> bytes:
        if key_id != self.current_key_id:
            raise KeyUnavailable(f"no ticket phone key {key_id!r}", key_id=key_id)
        return self.key

    def index_key(self) -> bytes:
        raise KeyUnavailable("a ticket phone key indexes nothing")


def phone_key(ticket_key: bytes) -> TicketPhoneKey:
    if len(ticket_key) < KEY_BYTES:
        raise KeyUnavailable("a ticket key has at least 16 bytes")
    mac = hmac.HMAC(ticket_key, hashes.SM3())
    mac.update(LABEL)
    return TicketPhoneKey(mac.finalize()[:KEY_BYTES])


def where(ticket_id: str) -> str:
    return f"queue_ticket:{ticket_id}:phone"


def seal_phone(phone: str, ticket_key: bytes, ticket_id: str) -> str:
    """`phone` is already a checked mobile number (shared.validation.check_mobile)."""
    return seal(phone, phone_key(ticket_key), where(ticket_id))


def open_phone(sealed: str, ticket_key: bytes, ticket_id: str) -> str:
    """Raises shared.crypto.sm4.DecryptionFailed (or KeyUnavailable) when it does not open."""
    return open_sealed(sealed, phone_key(ticket_key), where(ticket_id))
