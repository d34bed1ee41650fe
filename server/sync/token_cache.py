"""Verified device tokens, remembered for a short while: which device a token proves. A request then reads
its device row by primary key instead of looking the token's hash up among the credentials; the row itself
is read every time, so a deactivation or a move to another window counts at the next request. A staff login
on a workstation is checked on every request too (it expires and is ended by logout).

Keyed by the token's hash and indexed by device, so that whoever revokes or replaces a device's token calls
`forget_device(device_id)` and the very next request looks the token up again. Another server process learns
of it within `ttl` seconds at most, or at once if it is told through the same hook."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

DEFAULT_TTL = 30.0
MAX_ENTRIES = 20_000  # a province's devices; beyond it the oldest entry goes


class TokenCache:
    def __init__(self, ttl: float = DEFAULT_TTL, *, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.ttl, self._monotonic = ttl, monotonic
        self._entries: dict[str, tuple[float, str]] = {}  # token hash → (expires, device id)
        self._lock = threading.Lock()

    def get(self, token_hash: str) -> str | None:
        entry = self._entries.get(token_hash)
        if entry is None:
            return None
        if entry[0] <= self._monotonic():
            with self._lock:
                self._entries.pop(token_hash, None)
            return None
        return entry[1]

    def put(self, token_hash: str, device_id: str) -> None:
        with self._lock:
            if len(self._entries) >= MAX_ENTRIES:
                self._entries.pop(next(iter(self._entries)))
            self._entries[token_hash] = (self._monotonic() + self.ttl, device_id)

    def forget_device(self, device_id: str) -> int:
        """The revoke hook: drop every cached token of this device. Returns how many were dropped."""
        with self._lock:
            gone = [h for h, (_, known) in self._entries.items() if known == device_id]
            for token_hash in gone:
                del self._entries[token_hash]
        return len(gone)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
