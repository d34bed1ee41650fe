"""The mobile number a citizen typed at the dispenser (手机号取号): it arrives sealed under the hall's
ticket-phone key (shared/crypto/ticket_phone.py), is opened once and kept under the server's PII keys with its
blind index (`queue_ticket_phone`), and is read back only to send the ticket's near-call SMS."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from server.approval.identity import pii_keys
from server.queue.models import QueueTicketPhone
from shared.approval.personal import PHONE, protect, reveal
from shared.crypto.keys import KeyProvider, KeyUnavailable
from shared.crypto.sm4 import DecryptionFailed
from shared.crypto.ticket_key import derive_ticket_key
from shared.crypto.ticket_phone import open_phone
from shared.validation import InvalidIdentifier, check_mobile

log = logging.getLogger("govhall.queue.phone")


def where(ticket_id: str) -> str:
    return f"queue_ticket:{ticket_id}:phone"


def record(session: Session, hall_id: int, ticket_id: str, sealed: str, keys: KeyProvider | None = None) -> str | None:
    """Keep the ticket's phone; None when kept, else the flag to put on the ticket (the ticket is a fact and is
    recorded anyway: a phone that does not open only costs the citizen the SMS)."""
    try:
        keys = keys or pii_keys()
        phone = check_mobile(open_phone(sealed, derive_ticket_key(keys, hall_id), ticket_id))
    except (KeyUnavailable, DecryptionFailed, InvalidIdentifier) as exc:
        log.warning("ticket %s: its phone could not be kept (%s)", ticket_id, getattr(exc, "code", type(exc).__name__))
        return "phone_unreadable"
    protected = protect(PHONE, phone, keys, where(ticket_id))
    session.add(QueueTicketPhone(ticket_id=ticket_id, hall_id=hall_id, phone_sealed=protected.sealed,
                                 phone_index=protected.index))
    return None


def phones_of(session: Session, ticket_ids: list[str], keys: KeyProvider) -> dict[str, str]:
    """ticket id → its clear phone, for the tickets among `ticket_ids` taken by phone."""
    if not ticket_ids:
        return {}
    rows = session.query(QueueTicketPhone).filter(QueueTicketPhone.ticket_id.in_(ticket_ids)).all()
    return {r.ticket_id: reveal(PHONE, r.phone_sealed, keys, where(r.ticket_id)) for r in rows}
