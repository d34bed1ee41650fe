"""The audit chain's key: `GOVHALL_AUDIT_KEY` (hex, 32 bytes) when set, else `<data_dir>/audit.key`, made once
and readable by its owner only. Losing it means old rows can no longer be verified: back it up with the data."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from server.core.settings import Settings

KEY_BYTES = 32


class AuditKeyInvalid(ValueError):
    pass


def audit_key(settings: Settings) -> bytes:
    if settings.audit_key:
        return _parse(settings.audit_key, "GOVHALL_AUDIT_KEY")
    path = Path(settings.data_dir) / "audit.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(secrets.token_hex(KEY_BYTES) + "\n")
    return _parse(path.read_text(encoding="ascii").strip(), str(path))


def _parse(text: str, where: str) -> bytes:
    try:
        key = bytes.fromhex(text)
    except ValueError:
        raise AuditKeyInvalid(f"{where}: the audit key must be hex") from None
    if len(key) < 16:
        raise AuditKeyInvalid(f"{where}: the audit key must have at least 16 bytes")
    return key
