"""Verified device tokens, remembered for a short while: a device's every push, pull and long-poll would
otherwise look its token up twice (credential, device). Only the device part is kept — a staff login on a
workstation is checked on every request, since it expires and is ended by logout.

Keyed by the token's hash, indexed by device, so that whoever revokes a device's token or deactivates it
calls `forget_device(device_id)` and the very next request is checked against the database again. Another
server process learns of it within `ttl` seconds at most (or at once, if it is told through the same hook)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from server.sync.devices import DeviceContext

DEFAULT_TTL = 30.0
MAX_ENTRIES = 20_000  # a province's devices; beyond it the oldest entry goes


class TokenCache:
    def __init__(self, ttl: float = DEFAULT_TTL, *, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.ttl, self._monotonic = ttl, monotonic
        self._entries: dict[str, tuple[float, DeviceContext]] = {}  # token hash → (expires, context)
        self._lock = threading.Lock()

    def get(self, token_hash: str) -> DeviceContext | None:
        entry = self._entries.get(token_hash)
        if entry is None:
            return None
        if entry[0] <= self._monotonic():
            with self._lock:
                self._entries.pop(token_hash, None)
            return None
        return entry[1]

    def put(self, token_hash: str, device: DeviceContext) -> None:
        with self._lock:
            if len(self._entries) >= MAX_ENTRIES:
                self._entries.pop(next(iter(self._entries)))
            self._entries[token_hash] = (self._monotonic() + self.ttl, device)

    def forget_device(self, device_id: str) -> int:
        """The revoke hook: drop every cached token of this device. Returns how many were dropped."""
        with self._lock:
            gone = [h for h, (_, ctx) in self._entries.items() if ctx.device_id == device_id]
            for token_hash in gone:
                del self._entries[token_hash]
        return len(gone)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
