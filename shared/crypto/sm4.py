"""SM4-GCM authenticated encryption of short personal values (ID numbers, phone numbers).

Sealed form (text, so it fits any column): "v1.<key id>.<base64url(nonce 12 bytes | ciphertext | tag 16)>".
The associated data binds a value to where it belongs (e.g. "case:K1:receiver_id"): a ciphertext copied to
another row or field fails to open."""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from shared.crypto.keys import KeyProvider
from shared.errors import DomainError

VERSION = "v1"
NONCE_BYTES = 12
TAG_BYTES = 16


class DecryptionFailed(DomainError):
    code = "decryption_failed"


def seal(plaintext: str, keys: KeyProvider, associated_data: str, *, nonce: bytes | None = None) -> str:
    """Encrypt. `nonce` is for tests only: a random 96-bit nonce per value is the safe default."""
    nonce = os.urandom(NONCE_BYTES) if nonce is None else nonce
    if len(nonce) != NONCE_BYTES:
        raise ValueError("GCM nonces here are 12 bytes")
    key_id = keys.current_key_id
    enc = Cipher(algorithms.SM4(keys.encryption_key(key_id)), modes.GCM(nonce)).encryptor()
    enc.authenticate_additional_data(associated_data.encode())
    body = enc.update(plaintext.encode()) + enc.finalize()
    token = base64.urlsafe_b64encode(nonce + body + enc.tag).decode().rstrip("=")
    return f"{VERSION}.{key_id}.{token}"


def open_sealed(sealed: str, keys: KeyProvider, associated_data: str) -> str:
    try:
        version, key_id, token = sealed.split(".", 2)
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except ValueError:
        raise DecryptionFailed("not a sealed value") from None
    if version != VERSION or len(raw) < NONCE_BYTES + TAG_BYTES:
        raise DecryptionFailed("unknown or truncated sealed value")
    nonce, body, tag = raw[:NONCE_BYTES], raw[NONCE_BYTES:-TAG_BYTES], raw[-TAG_BYTES:]
    dec = Cipher(algorithms.SM4(keys.encryption_key(key_id)), modes.GCM(nonce, tag)).decryptor()
    dec.authenticate_additional_data(associated_data.encode())
    try:
        return (dec.update(body) + dec.finalize()).decode()
    except InvalidTag:
        raise DecryptionFailed("the value was altered, or belongs elsewhere, or the key is wrong") from None
