"""Where attachment bytes live: a small interface so a deployment with an S3-compatible store can plug one in.
The default keeps them under the server's data folder. Names are "<attachment id>/<chunk index>"; what is
stored is already sealed (the store never sees clear bytes)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Protocol

NAME = re.compile(r"^[0-9a-f-]{36}/[0-9]{1,6}$")


class AttachmentStore(Protocol):
    def put(self, name: str, data: bytes) -> None: ...

    def get(self, name: str) -> bytes: ...

    def delete(self, name: str) -> None: ...


class FileStore:
    """One file per chunk under `root` (0700), written atomically (temp file, fsync, rename)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _path(self, name: str) -> Path:
        if not NAME.match(name):
            raise ValueError(f"not an attachment object name: {name!r}")
        return self.root / name

    def put(self, name: str, data: bytes) -> None:
        path = self._path(name)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_name(path.name + ".part")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)

    def get(self, name: str) -> bytes:
        return self._path(name).read_bytes()

    def delete(self, name: str) -> None:
        self._path(name).unlink(missing_ok=True)


def store_for(state) -> AttachmentStore:  # noqa: ANN001
    """The app's store (tests may set app.state.attachment_store); by default files under <data_dir>/attachments."""
    if getattr(state, "attachment_store", None) is None:
        state.attachment_store = FileStore(Path(state.settings.data_dir) / "attachments")
    return state.attachment_store
