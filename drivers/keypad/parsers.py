"""Incremental keypad frame parsers: one for structured descriptions (header, fields, checksum, terminator),
one for learned literal descriptions (exact frames). Both yield RawFrame or typed errors in stream order and
never raise: garbage, truncated frames and bad checksums are reported and the next good frame is still found."""

from __future__ import annotations

from dataclasses import dataclass, field

from drivers.core.errors import ChecksumError, DeviceError, FrameError
from drivers.core.framing import ResyncBuffer
from drivers.keypad.checksums import CHECKSUMS
from drivers.keypad.description import Description


@dataclass(frozen=True)
class RawFrame:
    address: int
    cmd: int
    data: bytes
    raw: bytes = field(default=b"", compare=False)  # the frame as it arrived (literal descriptions read it)


class FrameParser:
    """Parser of a structured description: yields RawFrame or typed errors in stream order; never raises."""

    def __init__(self, d: Description) -> None:
        self.d = d
        self.buffer = ResyncBuffer(d.header, max_size=4096)
        self._chk_size = CHECKSUMS[d.checksum][0]

    def feed(self, chunk: bytes) -> list[RawFrame | DeviceError]:
        self.buffer.extend(chunk)
        out: list[RawFrame | DeviceError] = []
        while self._align(out):
            result = self._frame(bytes(self.buffer.data))
            if result is None:
                break
            if isinstance(result, DeviceError):
                out.append(result)
                self.buffer.skip_one()
                continue
            self.buffer.consume(len(result.raw))
            out.append(result)
        return out

    def _align(self, out: list) -> bool:
        """Align on the header; bytes dropped to get there are reported (a keypad of another protocol, noise)."""
        before, head = self.buffer.discarded, bytes(self.buffer.data[:16])
        aligned = self.buffer.align()
        dropped = self.buffer.discarded - before
        if dropped:
            out.append(FrameError(f"{dropped} bytes without a {self.d.name} frame header skipped "
                                  f"({head[:min(dropped, 16)].hex(' ').upper()})", device="keypad",
                                  protocol=self.d.name))
        return aligned

    def _frame(self, data: bytes) -> RawFrame | DeviceError | None:
        """The frame at the head of `data`, an error for a bad one, or None while bytes are still missing."""
        d = self.d
        pos, address, cmd, length, payload = len(d.header), 0, 0, None, b""
        starts: dict[str, int] = {"header": 0}
        for name in d.fields:
            starts[name] = pos
            if name == "data":
                size = length if length is not None else d.data_length.get(cmd, 0)
                if len(data) < pos + size:
                    return None
                payload, pos = data[pos:pos + size], pos + size
                continue
            size = self._chk_size if name == "checksum" else 1
            if len(data) < pos + size:
                return None
            if name == "address":
                address = data[pos]
            elif name == "command":
                cmd = data[pos]
            elif name == "length":
                length = data[pos]
                if length > d.max_data:
                    return FrameError(f"keypad frame length {length} > {d.max_data}", device="keypad")
            pos += size
        end = pos + len(d.terminator)
        if len(data) < end:
            return None
        if data[pos:end] != d.terminator:
            return FrameError("keypad frame without end byte", device="keypad", protocol=d.name)
        chk_at = starts["checksum"]
        expected = CHECKSUMS[d.checksum][1](data[starts[d.checksum_from]:chk_at])
        if data[chk_at:chk_at + self._chk_size] != expected:
            return ChecksumError("keypad checksum mismatch", device="keypad", address=address, protocol=d.name)
        return RawFrame(address, cmd, payload, data[:end])


class LiteralParser:
    """Parser of a learned (literal) description: finds the exact frames each key sends; bytes that are no
    known frame are reported once as an unknown frame and skipped."""

    def __init__(self, d: Description) -> None:
        self.d = d
        self.frames = sorted(d.literal, key=len, reverse=True)
        self.longest = max(len(f) for f in self.frames)
        self.data = bytearray()

    def feed(self, chunk: bytes) -> list[RawFrame | DeviceError]:
        self.data += chunk
        out: list[RawFrame | DeviceError] = []
        while self.data:
            hits = [(self.data.find(f), f) for f in self.frames]
            hits = [(i, f) for i, f in hits if i >= 0]
            if hits:
                i, frame = min(hits, key=lambda h: (h[0], -len(h[1])))
                if i:
                    out.append(self._unknown(bytes(self.data[:i])))
                del self.data[:i + len(frame)]
                out.append(RawFrame(self.d.address, 0, b"", frame))
                continue
            keep = self._partial_suffix()
            if len(self.data) > keep:
                out.append(self._unknown(bytes(self.data[:len(self.data) - keep])))
                del self.data[:len(self.data) - keep]
            break
        return out

    def _partial_suffix(self) -> int:
        for n in range(min(self.longest - 1, len(self.data)), 0, -1):
            tail = bytes(self.data[-n:])
            if any(f.startswith(tail) for f in self.frames):
                return n
        return 0

    def _unknown(self, data: bytes) -> DeviceError:
        return FrameError(f"unknown keypad frame {data[:16].hex(' ').upper()}", device="keypad",
                          protocol=self.d.name)
