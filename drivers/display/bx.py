"""Onbon/仰邦 BX-5/6 LED controller frames (reconstructed from public frames; the vendor's protocol sheet is
the authority for anything beyond what is here):

    8 × A5 | dst (2, LE) | src 00 80 | 6 reserved | device type FE | protocol version 02 | data length (2, LE)
    | data | CRC16 (2, LE) | 5A

CRC-16/ARC (poly 0xA001 reflected, init 0) over dst … data. Over serial lines, bytes between the preamble and
the final 5A are escaped so A5/5A never appear inside a frame: A5→A6 02, A6→A6 01, 5A→5B 02, 5B→5B 01
(`escape=False` for controllers that do not escape, e.g. some network firmware).

Data `A3 06` = dynamic-area text. Our payload after `A3 06` (to be checked against the vendor sheet):
process mode (1, 01) | area count (1) | per area: id (1) | x, y, w, h (2 each, LE) | display mode (1:
01 static, 02 scroll left) | speed (1) | stay seconds (1) | text length (2, LE) | text (GBK).
The controller answers with a frame whose src/dst are swapped and data `A3 06 <status>` (00 = ok).
"""

from __future__ import annotations

from dataclasses import dataclass

from drivers.core.errors import ChecksumError, DeviceError, FrameError, ProtocolError
from drivers.core.framing import crc16_reflected

PREAMBLE = b"\xA5" * 8
END = 0x5A
HOST_ADDRESS = 0x8000
DEVICE_TYPE = 0xFE
VERSION = 0x02
DYNAMIC_TEXT = b"\xA3\x06"
MAX_DATA = 8192
_ESC = {0xA5: b"\xA6\x02", 0xA6: b"\xA6\x01", 0x5A: b"\x5B\x02", 0x5B: b"\x5B\x01"}
_UNESC = {(0xA6, 0x02): 0xA5, (0xA6, 0x01): 0xA6, (0x5B, 0x02): 0x5A, (0x5B, 0x01): 0x5B}


def crc16_arc(data: bytes) -> int:
    return crc16_reflected(data, 0)


def escape(data: bytes) -> bytes:
    return b"".join(_ESC.get(b, bytes((b,))) for b in data)


def unescape(data: bytes) -> bytes:
    out = bytearray()
    i = 0
    while i < len(data):
        b = data[i]
        if b in (0xA6, 0x5B):
            pair = (b, data[i + 1]) if i + 1 < len(data) else (b, -1)
            if pair not in _UNESC:
                raise FrameError(f"bad escape sequence at {i}", device="led")
            out.append(_UNESC[pair])
            i += 2
        else:
            out.append(b)
            i += 1
    return bytes(out)


@dataclass(frozen=True)
class BxFrame:
    dst: int
    src: int
    data: bytes


def encode_frame(dst: int, data: bytes, src: int = HOST_ADDRESS, esc: bool = True, crc_xor: int = 0) -> bytes:
    """`crc_xor` != 0 damages the CRC on purpose (simulator scenarios)."""
    if len(data) > MAX_DATA:
        raise ValueError("BX frame data too long")
    body = (dst.to_bytes(2, "little") + src.to_bytes(2, "little") + bytes(6) + bytes((DEVICE_TYPE, VERSION))
            + len(data).to_bytes(2, "little") + data)
    body += (crc16_arc(body) ^ crc_xor).to_bytes(2, "little")
    return PREAMBLE + (escape(body) if esc else body) + bytes((END,))


def _decode_body(body: bytes) -> BxFrame:
    if len(body) < 16:
        raise FrameError("BX frame too short", device="led")
    length = int.from_bytes(body[12:14], "little")
    if len(body) != 16 + length:
        raise FrameError(f"BX data length {length} does not match the frame", device="led")
    if crc16_arc(body[:-2]) != int.from_bytes(body[-2:], "little"):
        raise ChecksumError("BX CRC mismatch", device="led")
    return BxFrame(int.from_bytes(body[0:2], "little"), int.from_bytes(body[2:4], "little"), body[14:-2])


class BxParser:
    """Incremental, resynchronising parser yielding BxFrame or typed errors; never raises."""

    def __init__(self, esc: bool = True) -> None:
        self.esc = esc
        self.buf = bytearray()

    def feed(self, chunk: bytes) -> list[BxFrame | DeviceError]:
        self.buf += chunk
        if len(self.buf) > 4 * MAX_DATA:
            del self.buf[:len(self.buf) - 4 * MAX_DATA]
        out: list[BxFrame | DeviceError] = []
        while True:
            start = self.buf.find(b"\xA5")
            if start < 0:
                self.buf.clear()
                return out
            del self.buf[:start]
            body_at = len(self.buf) - len(self.buf.lstrip(b"\xA5"))
            if body_at == len(self.buf):
                return out  # only preamble so far
            if self.esc:
                end = self.buf.find(bytes((END,)), body_at)
                if end < 0:
                    return out
                raw, consumed = bytes(self.buf[body_at:end]), end + 1
                if b"\xA5" in raw:  # a new preamble inside: the earlier frame was cut off
                    out.append(FrameError("BX frame truncated", device="led"))
                    del self.buf[:body_at + raw.index(b"\xA5")]
                    continue
            else:
                if len(self.buf) < body_at + 14:
                    return out
                length = int.from_bytes(self.buf[body_at + 12:body_at + 14], "little")
                consumed = body_at + 16 + length + 1
                if length > MAX_DATA:
                    out.append(FrameError("BX length out of range", device="led"))
                    del self.buf[:body_at]
                    continue
                if len(self.buf) < consumed:
                    return out
                raw = bytes(self.buf[body_at:consumed - 1])
                if self.buf[consumed - 1] != END:
                    out.append(FrameError("BX frame without end byte", device="led"))
                    del self.buf[:body_at]
                    continue
            del self.buf[:consumed]
            try:
                out.append(_decode_body(unescape(raw) if self.esc else raw))
            except DeviceError as exc:
                out.append(exc)


@dataclass(frozen=True)
class TextArea:
    text: str
    area_id: int = 0
    x: int = 0
    y: int = 0
    width: int = 64
    height: int = 16
    mode: int = 1  # 01 static, 02 scroll left
    speed: int = 1
    stay: int = 5


def encode_dynamic_text(areas: list[TextArea], encoding: str = "gbk") -> bytes:
    out = bytearray(DYNAMIC_TEXT + bytes((0x01, len(areas))))
    for a in areas:
        try:
            text = a.text.encode(encoding)
        except UnicodeEncodeError:
            raise ProtocolError(f"text cannot be shown in {encoding}: {a.text!r}", device="led") from None
        out += bytes((a.area_id,)) + b"".join(v.to_bytes(2, "little") for v in (a.x, a.y, a.width, a.height))
        out += bytes((a.mode, a.speed, a.stay)) + len(text).to_bytes(2, "little") + text
    return bytes(out)


def decode_dynamic_text(data: bytes, encoding: str = "gbk") -> list[TextArea]:
    if data[:2] != DYNAMIC_TEXT or len(data) < 4:
        raise ProtocolError("not a dynamic-area text command", device="led")
    areas, pos = [], 4
    try:
        for _ in range(data[3]):
            f = data[pos:pos + 14]
            if len(f) < 14:
                raise FrameError("dynamic area truncated", device="led")
            n = int.from_bytes(f[12:14], "little")
            raw = data[pos + 14:pos + 14 + n]
            if len(raw) != n:
                raise FrameError("dynamic area text truncated", device="led")
            geo = [int.from_bytes(f[i:i + 2], "little") for i in (1, 3, 5, 7)]
            areas.append(TextArea(raw.decode(encoding), f[0], *geo, mode=f[9], speed=f[10], stay=f[11]))
            pos += 14 + n
    except UnicodeDecodeError:
        raise FrameError(f"area text is not {encoding}", device="led") from None
    if pos != len(data):
        raise FrameError("trailing bytes after the last area", device="led")
    return areas
