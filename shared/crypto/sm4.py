"""SM4-GCM authenticated encryption of short personal values (ID numbers, phone numbers).

Sealed form (text, so it fits any column): "v1.<key id>.<base64url(nonce 12 bytes | ciphertext | tag 16)>".
The associated data binds a value to where it belongs (e.g. "case:K1:receiver_id"): a ciphertext copied to
another row or field fails to open."""

from __future__ import annotations

import base64
import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from shared.crypto.keys import KeyProvider
from shared.errors import DomainError

VERSION = "v1"
NONCE_BYTES = 12
TAG_BYTES = 16


class DecryptionFailed(DomainError):
    code = "decryption_failed"


@lru_cache(maxsize=64)
def _sm4(key: bytes) -> algorithms.SM4:
    """The cipher object of a key, made once: building it is half the cost of opening a short value, and a
    workstation's case index opens 100,000 names on its first build."""
    return algorithms.SM4(key)


def seal(plaintext: str, keys: KeyProvider, associated_data: str, *, nonce: bytes | None = None) -> str:
    """Encrypt. `nonce` is for tests only: a random 96-bit nonce per value is the safe default."""
    nonce = os.urandom(NONCE_BYTES) if nonce is None else nonce
    if len(nonce) != NONCE_BYTES:
        raise ValueError("GCM nonces here are 12 bytes")
    key_id = keys.current_key_id
    enc = Cipher(_sm4(keys.encryption_key(key_id)), modes.GCM(nonce)).encryptor()
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
    dec = Cipher(_sm4(keys.encryption_key(key_id)), modes.GCM(nonce, tag)).decryptor()
    dec.authenticate_additional_data(associated_data.encode())
    try:
        return (dec.update(body) + dec.finalize()).decode()
    except InvalidTag:
        raise DecryptionFailed("the value was altered, or belongs elsewhere, or the key is wrong") from None


def seal_blob(data: bytes, keys: KeyProvider, associated_data: str) -> bytes:
    """Bytes in, bytes out (nonce | ciphertext | tag, under the current key): for files sealed whole, such as a
    workstation's case index snapshot. The key id is the caller's to record."""
    nonce = os.urandom(NONCE_BYTES)
    enc = Cipher(_sm4(keys.encryption_key(keys.current_key_id)), modes.GCM(nonce)).encryptor()
    enc.authenticate_additional_data(associated_data.encode())
    return nonce + enc.update(data) + enc.finalize() + enc.tag


def open_blob(raw: bytes, keys: KeyProvider, key_id: str, associated_data: str) -> bytes:
    if len(raw) < NONCE_BYTES + TAG_BYTES:
        raise DecryptionFailed("truncated sealed data")
    nonce, body, tag = raw[:NONCE_BYTES], raw[NONCE_BYTES:len(raw) - TAG_BYTES], raw[len(raw) - TAG_BYTES:]
    dec = Cipher(_sm4(keys.encryption_key(key_id)), modes.GCM(nonce, tag)).decryptor()
    dec.authenticate_additional_data(associated_data.encode())
    try:
        return dec.update(body) + dec.finalize()
    except InvalidTag:
        raise DecryptionFailed("the data was altered, or belongs elsewhere, or the key is wrong") from None
