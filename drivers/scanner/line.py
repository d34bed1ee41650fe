"""Serial/CDC scanners: one code per line, ending CR or CRLF (some send LF), 9600 or 115200 8N1."""

from __future__ import annotations

import time

from drivers.core.errors import DeviceError, FrameError
from drivers.core.transport import SerialLink

MAX_LINE = 2048  # longest QR payload we accept; longer means a lost terminator or garbage


class LineParser:
    """Splits a byte stream into decoded lines; typed errors for overlong or undecodable lines.
    Never raises."""

    def __init__(self, encoding: str = "utf-8", max_line: int = MAX_LINE) -> None:
        self.encoding = encoding or "utf-8"
        self.max_line = max_line
        self.buf = bytearray()
        self._skipping = False  # inside an overlong line: drop until the next terminator

    def feed(self, chunk: bytes) -> list[str | DeviceError]:
        out: list[str | DeviceError] = []
        for b in chunk:
            if b in (0x0D, 0x0A):
                if self._skipping:
                    self._skipping = False
                elif self.buf:
                    out.append(self._decode(bytes(self.buf)))
                self.buf.clear()
                continue
            if self._skipping:
                continue
            self.buf.append(b)
            if len(self.buf) > self.max_line:
                out.append(FrameError(f"scan longer than {self.max_line} bytes without line end",
                                      device="scanner"))
                self.buf.clear()
                self._skipping = True
        return out

    def _decode(self, raw: bytes) -> str | DeviceError:
        try:
            text = raw.decode(self.encoding)
        except UnicodeDecodeError:
            return FrameError(f"scan is not valid {self.encoding}", device="scanner", raw=raw.hex())
        if not text.isprintable():
            return FrameError("scan contains control characters", device="scanner", raw=raw.hex())
        return text


class LineScanner:
    def __init__(self, link: SerialLink, encoding: str = "utf-8") -> None:
        self.link = link
        self.parser = LineParser(encoding)
        self.errors: list[DeviceError] = []

    def close(self) -> None:
        self.link.close()

    def poll(self, timeout: float = 0.1) -> list[str]:
        codes: list[str] = []
        deadline = time.monotonic() + timeout
        while True:
            for item in self.parser.feed(self.link.read()):
                (codes.append(item) if isinstance(item, str) else self.errors.append(item))
            if codes or time.monotonic() >= deadline:
                return codes

    def run(self, on_code, stop) -> None:
        while not stop():
            for code in self.poll(0.1):
                on_code(code)
