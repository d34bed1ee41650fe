"""The anti-forgery token every printed document's QR code carries (notices, receipts, licence certificates):
one scheme, used by every producer, on the server and on a counter PC working offline.

    token = base64url( kind (1 byte) | reference (16 bytes, a UUID) | MAC (16 bytes) )        44 characters
    MAC   = HMAC-SM3(hall verification key, LABEL | kind | reference), first 16 bytes

The reference names the record the document reports: for a notice, the case event it is dated on (an id the
counter makes itself, so a notice printed offline already has its final token); for a certificate, the licence.
The hall verification key is derived on the server from the blind-index key with the hall in the label (one-way,
like the ticket key: a leaked hall key gives neither the blind-index key nor another hall's key) and written into
each workstation's provisioned config, so a counter PC signs offline; once its events are synced, the server
finds the reference, recomputes the MAC under the hall's key and answers. A forged token fails the MAC; an
altered one fails it too (the reference is inside the MAC); nobody can make a valid token without the key, and
guessing one is a 2^-128 chance. The token names no person and no case number."""

from __future__ import annotations

import base64
import binascii
import hmac as std_hmac
import uuid
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes, hmac

from shared.crypto.hall_key import derive_hall_key  # noqa: F401 - the hall key's home; imported from here too
from shared.crypto.keys import KEY_BYTES
from shared.errors import DomainError

MAC_LABEL = b"govhall/verify/v1|"
MAC_BYTES = 16
TOKEN_CHARS = 44  # base64url of 33 bytes, no padding needed

# One byte per document kind, fixed forever (printed tokens must keep verifying). Notices use their
# NoticeKind value; a kind added later takes the next free code.
KIND_CODES = {"receipt": 1, "acceptance": 2, "correction": 3, "refusal_of_acceptance": 4, "special_procedure": 5,
              "extension": 6, "grant": 7, "refusal": 8, "licence": 64}
KINDS_BY_CODE = {code: kind for kind, code in KIND_CODES.items()}


class InvalidToken(DomainError):
    """Malformed, forged or altered: callers answer all three the same way."""
    code = "verification_token_invalid"


class UnknownDocumentKind(DomainError):
    code = "verification_kind_unknown"


@dataclass(frozen=True)
class TokenRef:
    kind: str
    reference: str  # the UUID in its canonical text form



def _mac(key: bytes, body: bytes) -> bytes:
    if len(key) < KEY_BYTES:
        raise InvalidToken("a hall verification key has at least 16 bytes")
    mac = hmac.HMAC(key, hashes.SM3())
    mac.update(MAC_LABEL + body)
    return mac.finalize()[:MAC_BYTES]


def make_token(key: bytes, kind: str, reference: str) -> str:
    """The token for the document of `kind` that reports the record `reference` (a UUID)."""
    code = KIND_CODES.get(kind)
    if code is None:
        raise UnknownDocumentKind(f"no verification code for {kind!r}", kind=kind)
    body = bytes([code]) + uuid.UUID(reference).bytes
    return base64.urlsafe_b64encode(body + _mac(key, body)).decode()


def read_token(token: str) -> tuple[TokenRef, bytes, bytes]:
    """What the token claims (kind, reference), its signed body and its MAC — not yet checked."""
    if len(token) != TOKEN_CHARS:
        raise InvalidToken("wrong length")
    try:
        raw = base64.urlsafe_b64decode(token.encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise InvalidToken("not base64url") from None
    if base64.urlsafe_b64encode(raw).decode() != token:  # one spelling per token: no altered-but-equal forms
        raise InvalidToken("not canonical")
    body, mac = raw[:-MAC_BYTES], raw[-MAC_BYTES:]
    kind = KINDS_BY_CODE.get(body[0])
    if kind is None:
        raise InvalidToken("unknown kind")
    return TokenRef(kind, str(uuid.UUID(bytes=body[1:]))), body, mac


def check_token(token: str, key: bytes) -> TokenRef:
    """The token's claim when its MAC is right under `key`; InvalidToken otherwise."""
    ref, body, mac = read_token(token)
    if not std_hmac.compare_digest(_mac(key, body), mac):
        raise InvalidToken("bad signature")
    return ref
