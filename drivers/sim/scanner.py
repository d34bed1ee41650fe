"""Simulated serial/CDC scanner: sends codes as lines (CR, CRLF or LF), optionally with garbage or an
overlong line first."""

from __future__ import annotations


class ScannerSimulator:
    def __init__(self, terminator: bytes = b"\r\n", encoding: str = "utf-8") -> None:
        self.terminator = terminator
        self.encoding = encoding
        self._push = None

    def attach(self, push) -> None:
        self._push = push

    def scan(self, code: str) -> bytes:
        frame = code.encode(self.encoding) + self.terminator
        self.send(frame)
        return frame

    def send(self, raw: bytes) -> None:
        if self._push is not None:
            self._push(raw)

    def receive(self, data: bytes) -> bytes:
        return b""  # scanners in serial mode ignore what the host sends (no configuration commands here)
