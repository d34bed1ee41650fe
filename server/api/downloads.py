"""Content-Disposition for a download whose name comes from stored data (a case number): an ASCII fallback
of a safe alphabet plus the exact name as RFC 5987 `filename*` (UTF-8, percent-encoded). Nothing of the
stored value can reach the header raw (no CR/LF injection, no quote breaking out)."""

from __future__ import annotations

import re
from urllib.parse import quote

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def content_disposition(name: str, disposition: str = "inline") -> str:
    fallback = _UNSAFE.sub("_", name).strip("._") or "download"
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
