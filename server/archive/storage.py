"""Archived documents, sealed: each file is sealed whole with SM4-GCM under the personal-data keys
(shared.crypto.sm4), bound to its own key (a file copied over another fails to open) — the archive holds
applicants' names and identifiers — before it reaches the server's file storage (server/storage: a folder
under the data folder, or an S3-compatible bucket). The store sees ciphertext only."""

from __future__ import annotations

from typing import Protocol

from server.storage import BlobMissing, BlobStore
from shared.crypto.keys import KeyProvider
from shared.crypto.sm4 import DecryptionFailed, open_blob, seal_blob

MAGIC = b"GHA1"


class StoredMissing(LookupError):
    """No document under that key."""


class StoredUnreadable(ValueError):
    """The stored bytes were altered (or the key to open them is gone)."""


class ArchiveStorage(Protocol):
    def put(self, key: str, data: bytes) -> None: ...

    def get(self, key: str) -> bytes: ...

    def delete(self, key: str) -> None: ...


class SealedArchive:
    """Each document stored as MAGIC | len(key id) | key id | nonce | ciphertext | tag, under its key."""

    def __init__(self, blobs: BlobStore, keys: KeyProvider) -> None:
        self.blobs, self.keys = blobs, keys

    def put(self, key: str, data: bytes) -> None:
        kid = self.keys.current_key_id.encode()
        self.blobs.put(key, MAGIC + bytes([len(kid)]) + kid + seal_blob(data, self.keys, f"archive:{key}"))

    def get(self, key: str) -> bytes:
        try:
            raw = self.blobs.get(key)
        except BlobMissing:
            raise StoredMissing(key) from None
        if not raw.startswith(MAGIC) or len(raw) < 5:
            raise StoredUnreadable(key)
        n = raw[4]
        try:
            return open_blob(raw[5 + n:], self.keys, raw[5:5 + n].decode("ascii", "replace"), f"archive:{key}")
        except (DecryptionFailed, Exception) as exc:  # noqa: BLE001 - an unknown key id is unreadable too
            raise StoredUnreadable(key) from exc

    def delete(self, key: str) -> None:
        self.blobs.delete(key)
