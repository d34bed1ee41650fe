"""A hybrid logical clock: wall time corrected by the server's offset, plus a counter, so that a device's
timestamps never go backwards (even if its clock does) and stay comparable across devices."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


def encode(millis: int, counter: int, node: str) -> str:
    return f"{millis:013d}-{counter:05d}-{node}"


def decode(stamp: str) -> tuple[int, int, str]:
    millis, counter, node = stamp.split("-", 2)
    return int(millis), int(counter), node


class HybridClock:
    def __init__(self, node: str, *, wall_ms: Callable[[], int] | None = None, last: str | None = None,
                 offset_ms: int = 0) -> None:
        self.node = node
        self.wall_ms = wall_ms or (lambda: int(time.time() * 1000))
        self.offset_ms = offset_ms
        self._millis, self._counter = (decode(last)[:2] if last else (0, 0))
        self._lock = threading.Lock()

    def physical_ms(self) -> int:
        """The local clock corrected by the last measured server offset."""
        return self.wall_ms() + self.offset_ms

    def now(self) -> str:
        with self._lock:
            pt = self.physical_ms()
            if pt > self._millis:
                self._millis, self._counter = pt, 0
            else:
                self._counter += 1
            return encode(self._millis, self._counter, self.node)

    def observe_server(self, server_ms: int, sent_ms: int, received_ms: int) -> None:
        """Correct the offset from a response's server time (assuming a symmetric round trip), and never
        fall behind what the server has seen."""
        with self._lock:
            self.offset_ms = server_ms - (sent_ms + received_ms) // 2
            if server_ms > self._millis:
                self._millis, self._counter = server_ms, 0

    @property
    def last(self) -> str:
        return encode(self._millis, self._counter, self.node)
