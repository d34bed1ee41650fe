"""Keyboard-wedge (USB HID) scan detection, pure logic: a scanner types a burst of keys with gaps under
~40 ms ending in Enter; a person types slower. The Qt event filter in drivers/qt/wedge.py feeds this."""

from __future__ import annotations


class WedgeDetector:
    def __init__(self, max_gap: float = 0.04, min_length: int = 4) -> None:
        self.max_gap = max_gap  # seconds between two keys of one scan
        self.min_length = min_length  # shorter bursts are fast typing, not codes
        self._buffer: list[str] = []
        self._last: float | None = None

    def key(self, text: str, timestamp: float, enter: bool = False) -> str | None:
        """Feed one key press; returns the scanned code when this Enter completes a burst."""
        gap_ok = self._last is not None and timestamp - self._last <= self.max_gap
        self._last = timestamp
        if not gap_ok:
            self._buffer = []
        if enter:
            code = "".join(self._buffer)
            self._buffer = []
            self._last = None
            return code if gap_ok and len(code) >= self.min_length else None
        if text and text.isprintable():
            self._buffer.append(text)
        else:
            self._buffer = []  # a control key breaks the burst
        return None

    @property
    def pending(self) -> str:
        return "".join(self._buffer)
