"""Real-time status (DLE EOT n, `10 04 n`): n=1 printer, 2 offline cause, 4 paper roll sensor.

Every answer byte has bits 1 and 4 set and bits 0 and 7 clear (mask 0x93 == 0x12)."""

from __future__ import annotations

from dataclasses import dataclass

from drivers.core.errors import CoverOpen, FrameError, PaperOut, PrinterOffline

QUERIES = {1: b"\x10\x04\x01", 2: b"\x10\x04\x02", 4: b"\x10\x04\x04"}


@dataclass(frozen=True)
class PrinterStatus:
    online: bool = True
    cover_open: bool = False
    paper_out: bool = False
    paper_near_end: bool = False
    error: bool = False

    @property
    def ready(self) -> bool:
        return self.online and not (self.cover_open or self.paper_out or self.error)

    def raise_if_not_ready(self) -> None:
        if self.paper_out:
            raise PaperOut("printer is out of paper", device="printer")
        if self.cover_open:
            raise CoverOpen("printer cover is open", device="printer")
        if not self.ready:
            raise PrinterOffline("printer is offline or in error", device="printer")


def _check(byte: int, n: int) -> int:
    if byte & 0x93 != 0x12:
        raise FrameError(f"invalid DLE EOT {n} answer {byte:02X}", device="printer", n=n, byte=byte)
    return byte


def parse_status(printer: int, offline: int, paper: int) -> PrinterStatus:
    printer, offline, paper = _check(printer, 1), _check(offline, 2), _check(paper, 4)
    return PrinterStatus(online=not printer & 0x08, cover_open=bool(offline & 0x04),
                         paper_out=bool(paper & 0x60) or bool(offline & 0x20),
                         paper_near_end=bool(paper & 0x0C),
                         error=bool(offline & 0x40))


def encode_status(status: PrinterStatus) -> dict[int, int]:
    """The bytes a printer in `status` answers (used by the fake printer)."""
    return {1: 0x12 | (0 if status.online else 0x08),
            2: 0x12 | (0x04 if status.cover_open else 0) | (0x20 if status.paper_out else 0)
            | (0x40 if status.error else 0),
            4: 0x12 | (0x60 if status.paper_out else 0) | (0x0C if status.paper_near_end else 0)}
