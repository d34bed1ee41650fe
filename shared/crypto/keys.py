"""Where keys come from. Two separate keys: one encrypts (and may rotate, old ones kept for decryption),
one keys the blind index (rotating it means re-indexing every row, so it changes rarely)."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from shared.errors import DomainError

KEY_BYTES = 16  # SM4 has 128-bit keys
# A key id is written into every sealed value ("v1.<key id>.<token>"): a "." (or ",", ":") in it would make the
# value unreadable, so key ids are a safe alphabet.
KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


class KeyUnavailable(DomainError):
    code = "key_unavailable"


class InvalidKeyId(KeyUnavailable):
    code = "key_id_invalid"


class KeyProvider(Protocol):
    @property
    def current_key_id(self) -> str: ...

    def encryption_key(self, key_id: str) -> bytes: ...

    def index_key(self) -> bytes: ...


@dataclass(frozen=True)
class StaticKeyProvider:
    """Keys held in memory: for tests, and for a server that loaded them from its configuration."""
    encryption_keys: Mapping[str, bytes]
    current_key_id: str
    blind_index_key: bytes

    def __post_init__(self) -> None:
        for key_id in self.encryption_keys:
            if not KEY_ID.match(key_id):
                raise InvalidKeyId(f"key id {key_id!r}: letters, digits, '-' and '_' only (1-32)", key_id=key_id)
        if self.current_key_id not in self.encryption_keys:
            raise KeyUnavailable(f"the current key {self.current_key_id!r} is not among the keys")
        if any(len(k) != KEY_BYTES for k in self.encryption_keys.values()):
            raise KeyUnavailable("SM4 keys are 16 bytes")
        if len(self.blind_index_key) < KEY_BYTES:
            raise KeyUnavailable("the blind-index key needs at least 16 bytes")

    def encryption_key(self, key_id: str) -> bytes:
        try:
            return self.encryption_keys[key_id]
        except KeyError:
            raise KeyUnavailable(f"no encryption key {key_id!r}", key_id=key_id) from None

    def index_key(self) -> bytes:
        return self.blind_index_key


def keys_from_environment(env: Mapping[str, str] | None = None) -> StaticKeyProvider:
    """GOVHALL_PII_KEYS = "k1:<32 hex>,k2:<32 hex>" (the last is current), GOVHALL_PII_INDEX_KEY = <hex>."""
    env = os.environ if env is None else env
    spec, index = env.get("GOVHALL_PII_KEYS", ""), env.get("GOVHALL_PII_INDEX_KEY", "")
    if not spec or not index:
        raise KeyUnavailable("set GOVHALL_PII_KEYS and GOVHALL_PII_INDEX_KEY to protect personal data")
    try:
        pairs = [part.split(":", 1) for part in spec.split(",") if part.strip()]
        keys = {kid.strip(): bytes.fromhex(hexkey.strip()) for kid, hexkey in pairs}
        return StaticKeyProvider(keys, pairs[-1][0].strip(), bytes.fromhex(index.strip()))
    except InvalidKeyId:
        raise
    except ValueError:
        raise KeyUnavailable("GOVHALL_PII_KEYS is 'id:hex,id:hex' and GOVHALL_PII_INDEX_KEY is hex") from None
