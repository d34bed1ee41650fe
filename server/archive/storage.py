"""Where archived documents live: a small interface (put / get / delete) so a deployment can put another
backend behind it; the default is a folder under the server's data folder. Every file is sealed whole with
SM4-GCM under the personal-data keys (shared.crypto.sm4), bound to its own key (a file copied over another
fails to open): the archive holds applicants' names and identifiers."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Protocol

from shared.crypto.keys import KeyProvider
from shared.crypto.sm4 import DecryptionFailed, open_blob, seal_blob

MAGIC = b"GHA1"
_KEY = re.compile(r"^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$")


class StoredMissing(LookupError):
    """No document under that key."""


class StoredUnreadable(ValueError):
    """The stored bytes were altered (or the key to open them is gone)."""


class ArchiveStorage(Protocol):
    def put(self, key: str, data: bytes) -> None: ...

    def get(self, key: str) -> bytes: ...

    def delete(self, key: str) -> None: ...


class FileArchiveStorage:
    """<root>/<key>, sealed: MAGIC | len(key id) | key id | nonce | ciphertext | tag."""

    def __init__(self, root: Path, keys: KeyProvider) -> None:
        self.root, self.keys = root, keys

    def path(self, key: str) -> Path:
        if not _KEY.fullmatch(key) or ".." in key.split("/"):
            raise ValueError(f"bad archive key {key!r}")
        return self.root / key

    def put(self, key: str, data: bytes) -> None:
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        kid = self.keys.current_key_id.encode()
        sealed = MAGIC + bytes([len(kid)]) + kid + seal_blob(data, self.keys, f"archive:{key}")
        tmp = path.with_name(path.name + ".tmp")
        with open(tmp, "wb") as f:
            f.write(sealed)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)  # a reader sees the old file or the new one, never half of one

    def get(self, key: str) -> bytes:
        try:
            raw = self.path(key).read_bytes()
        except FileNotFoundError:
            raise StoredMissing(key) from None
        if not raw.startswith(MAGIC) or len(raw) < 5:
            raise StoredUnreadable(key)
        n = raw[4]
        try:
            return open_blob(raw[5 + n:], self.keys, raw[5:5 + n].decode("ascii", "replace"), f"archive:{key}")
        except (DecryptionFailed, Exception) as exc:  # noqa: BLE001 - an unknown key id is unreadable too
            raise StoredUnreadable(key) from exc

    def delete(self, key: str) -> None:
        try:
            self.path(key).unlink()
        except FileNotFoundError:
            pass
