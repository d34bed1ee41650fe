"""The storage interface and its filesystem backend (server/storage/__init__.py says which is used)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol


# One rule for every backend: "/"-separated segments of letters, digits, "_", "." and "-", none of them "." or
# "..": a name never leaves its area, whatever the backend.
_NAME = re.compile(r"^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$")


def check_name(name: str) -> str:
    if len(name) > 512 or not _NAME.fullmatch(name) or any(s in (".", "..") for s in name.split("/")):
        raise ValueError(f"not a storage object name: {name!r}")
    return name


class BlobMissing(LookupError):
    """No object under that name."""


class StorageUnavailable(Exception):
    """The backend cannot be reached or refuses the server; nothing was stored. `reason`: unreachable,
    no_bucket, access_denied, no_credentials, refused (any other refusal of the store). Not a DomainError:
    no rule was broken, and code that answers a broken rule (a refusal, a "the archive was altered") must not
    take it for one."""

    code = "storage_unavailable"

    def __init__(self, reason: str, detail: str = "") -> None:
        self.message = f"file storage unavailable: {reason}" + (f" ({detail})" if detail else "")
        super().__init__(self.message)
        self.reason = reason


class BlobStore(Protocol):
    def put(self, name: str, data: bytes) -> None:
        """Store whole (a reader sees the old object or the new one, never part of one)."""

    def get(self, name: str) -> bytes:
        """The object's bytes; BlobMissing when there is none."""

    def delete(self, name: str) -> None:
        """Remove it; nothing happens when there is none."""

    def names(self, prefix: str = "") -> Iterator[str]:
        """The names held that start with `prefix`."""


class FileBlobStore:
    """One file per object under `root` (folders 0700, files 0600), written atomically: a temporary file, fsync,
    rename. The temporary file's name starts with "~", which no object name may hold."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, name: str) -> Path:
        return self.root / check_name(name)

    def put(self, name: str, data: bytes) -> None:
        path = self.path(name)
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            tmp = path.with_name(f"~{path.name}.part")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except OSError as exc:  # a full or read-only disk: the same answer as an object store that refuses
            raise StorageUnavailable("refused", exc.strerror or type(exc).__name__) from exc

    def get(self, name: str) -> bytes:
        try:
            return self.path(name).read_bytes()
        except FileNotFoundError:
            raise BlobMissing(name) from None

    def delete(self, name: str) -> None:
        self.path(name).unlink(missing_ok=True)

    def names(self, prefix: str = "") -> Iterator[str]:
        if not self.root.is_dir():
            return
        for path in sorted(self.root.rglob("*")):
            name = path.relative_to(self.root).as_posix()
            if path.is_file() and not path.name.startswith("~") and name.startswith(prefix):
                yield name
