"""Helpers shared by the incremental frame parsers: a byte buffer that resynchronises on a preamble.

Parsers keep unparsed bytes in a `ResyncBuffer`; when a candidate frame turns out to be bad they drop one byte
and search for the next preamble, so garbage before a preamble (or inside a broken frame) is skipped and the
next good frame is still found."""

from __future__ import annotations


def xor_checksum(data: bytes) -> int:
    value = 0
    for b in data:
        value ^= b
    return value


def sum_checksum(data: bytes) -> int:
    return sum(data) & 0xFF


def crc16_reflected(data: bytes, init: int) -> int:
    """CRC-16 with the reflected polynomial 0xA001 (0x8005): init 0 is CRC-16/ARC, 0xFFFF CRC-16/MODBUS."""
    crc = init
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


class ResyncBuffer:
    """Accumulates bytes and aligns them on `preamble`. `max_size` bounds memory when a peer sends garbage."""

    def __init__(self, preamble: bytes, max_size: int = 65536) -> None:
        if not preamble:
            raise ValueError("preamble must not be empty")
        self.preamble = preamble
        self.max_size = max_size
        self.data = bytearray()
        self.discarded = 0  # bytes dropped while resynchronising (diagnostics)

    def extend(self, chunk: bytes) -> None:
        self.data += chunk
        if len(self.data) > self.max_size:
            drop = len(self.data) - self.max_size
            del self.data[:drop]
            self.discarded += drop

    def align(self) -> bool:
        """Drop bytes before the first preamble. True when the buffer now starts with a whole preamble.
        A partial preamble at the end is kept, so a preamble split across reads is not lost."""
        idx = self.data.find(self.preamble)
        if idx < 0:
            keep = self._partial_suffix()
            drop = len(self.data) - keep
            if drop:
                del self.data[:drop]
                self.discarded += drop
            return False
        if idx:
            del self.data[:idx]
            self.discarded += idx
        return True

    def skip_one(self) -> None:
        """Give up on the frame at the head: drop its first byte so `align` finds the next preamble."""
        if self.data:
            del self.data[:1]
            self.discarded += 1

    def consume(self, n: int) -> bytes:
        chunk = bytes(self.data[:n])
        del self.data[:n]
        return chunk

    def clear(self) -> None:
        self.discarded += len(self.data)
        self.data.clear()

    def __len__(self) -> int:
        return len(self.data)

    def _partial_suffix(self) -> int:
        for n in range(min(len(self.preamble) - 1, len(self.data)), 0, -1):
            if self.data.endswith(self.preamble[:n]):
                return n
        return 0
