"""Fake ESC/POS printer (network on 127.0.0.1, or serial on a pty): captures the bytes it is sent and
answers DLE EOT status queries. Scenarios: paper out, cover open, paper near end, paper runs out after N
bytes, silent (never answers status)."""

from __future__ import annotations

import threading

from drivers.printer.status import PrinterStatus, encode_status

DLE_EOT = b"\x10\x04"


class PrinterSimulator:
    def __init__(self) -> None:
        self.paper_out = False
        self.cover_open = False
        self.near_end = False
        self.offline = False
        self.silent = False
        self.paper_left: int | None = None  # bytes of job data until the paper runs out
        self.raw = bytearray()  # everything received, status queries included
        self.job = bytearray()  # printable data only
        self.queries = 0
        self._tail = b""
        self._lock = threading.Lock()

    @property
    def status(self) -> PrinterStatus:
        return PrinterStatus(online=not self.offline, cover_open=self.cover_open, paper_out=self.paper_out,
                             paper_near_end=self.near_end)

    def receive(self, data: bytes) -> bytes:
        with self._lock:
            self.raw += data
            stream = self._tail + data
            self._tail = b""
            out = bytearray()
            i = 0
            while i < len(stream):
                if stream[i:i + 2] == DLE_EOT:
                    if i + 2 >= len(stream):
                        self._tail = stream[i:]  # query split across reads
                        break
                    n = stream[i + 2]
                    self.queries += 1
                    if not self.silent and n in (1, 2, 3, 4):
                        out.append(encode_status(self.status).get(n, 0x12))
                    i += 3
                    continue
                if stream[i:i + 1] == b"\x10" and i + 1 == len(stream):
                    self._tail = stream[i:]
                    break
                self._print(stream[i:i + 1])
                i += 1
            return bytes(out)

    def _print(self, byte: bytes) -> None:
        if self.paper_out or self.cover_open:
            return  # a stopped printer drops (or buffers) data; nothing comes out
        self.job += byte
        if self.paper_left is not None:
            self.paper_left -= 1
            if self.paper_left <= 0:
                self.paper_out = True

    def jobs_text(self, encoding: str = "gb18030") -> str:
        return bytes(self.job).decode(encoding, errors="replace")
