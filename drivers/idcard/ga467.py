"""GA 467 "SAM" serial protocol of resident ID card readers (二代证阅读器): frames, status words, parser.

Request:  AA AA AA 96 69 | LEN (2, BE) | CMD | PARA | DATA | CHK
Response: AA AA AA 96 69 | LEN (2, BE) | SW1 SW2 SW3 | DATA | CHK
LEN counts every byte after itself, CHK included; CHK is the XOR of LEN, the body and nothing else.
Known request checksums: `11 FF` → ED, `20 01` → 22, `20 02` → 21, `30 01` → 32.
"""

from __future__ import annotations

from dataclasses import dataclass

from drivers.core.errors import ChecksumError, DeviceError, FrameError
from drivers.core.framing import ResyncBuffer, xor_checksum
from drivers.idcard import errors as card_errors
from drivers.idcard.records import parse_text_block  # noqa: F401  (public API: ga467.parse_text_block)

PREAMBLE = b"\xAA\xAA\xAA\x96\x69"
MAX_LEN = 0x1000  # text+photo+fingerprint answers stay well below 4 KiB

# Commands as (CMD, PARA).
SAM_RESET = (0x10, 0xFF)
SAM_STATUS = (0x11, 0xFF)
SAM_ID = (0x12, 0xFF)
FIND_CARD = (0x20, 0x01)
SELECT_CARD = (0x20, 0x02)
READ_TEXT_PHOTO = (0x30, 0x01)
READ_TEXT_PHOTO_FP = (0x30, 0x10)

SW3_OK = 0x90
SW3_FIND_OK = 0x9F


def build_frame(cmd: int, para: int, data: bytes = b"") -> bytes:
    """A request frame, e.g. build_frame(0x20, 0x01) == AA AA AA 96 69 00 03 20 01 22."""
    if not (0 <= cmd <= 0xFF and 0 <= para <= 0xFF):
        raise ValueError("cmd and para are single bytes")
    return _frame(bytes((cmd, para)) + bytes(data))


def build_response(sw3: int, data: bytes = b"", sw1: int = 0x00, sw2: int = 0x00) -> bytes:
    """A response frame as a reader sends it (used by the simulator and tests)."""
    return _frame(bytes((sw1, sw2, sw3)) + bytes(data))


def _frame(body: bytes) -> bytes:
    length = len(body) + 1
    if length > 0xFFFF:
        raise ValueError("frame body too long")
    head = length.to_bytes(2, "big")
    return PREAMBLE + head + body + bytes((xor_checksum(head + body),))


@dataclass(frozen=True)
class Request:
    cmd: int
    para: int
    data: bytes

    @property
    def command(self) -> tuple[int, int]:
        return (self.cmd, self.para)


@dataclass(frozen=True)
class Response:
    sw1: int
    sw2: int
    sw3: int
    data: bytes

    @property
    def ok(self) -> bool:
        return self.sw3 in (SW3_OK, SW3_FIND_OK)

    def raise_for_status(self) -> "Response":
        if not self.ok:
            raise card_errors.error_for_status(self.sw3)
        return self


class Ga467Parser:
    """Incremental parser. `feed` returns complete frame bodies (after LEN, CHK stripped) and typed errors
    (`ChecksumError`, `FrameError`) for broken candidates, in stream order. Never raises on any input."""

    def __init__(self, min_body: int = 2) -> None:
        self.buffer = ResyncBuffer(PREAMBLE, max_size=4 * MAX_LEN)
        self.min_body = min_body  # 2 for requests (CMD PARA), 3 for responses (SW1..SW3)

    def feed(self, chunk: bytes) -> list[bytes | DeviceError]:
        self.buffer.extend(chunk)
        out: list[bytes | DeviceError] = []
        while self.buffer.align():
            data = self.buffer.data
            if len(data) < 7:
                break
            length = int.from_bytes(data[5:7], "big")
            if length < self.min_body + 1 or length > MAX_LEN:
                out.append(FrameError(f"GA 467 frame length {length} out of range", device="idcard",
                                      length=length))
                self.buffer.skip_one()
                continue
            total = 7 + length
            if len(data) < total:
                break
            frame = bytes(data[:total])
            if xor_checksum(frame[5:-1]) != frame[-1]:
                out.append(ChecksumError("GA 467 checksum mismatch", device="idcard",
                                         expected=xor_checksum(frame[5:-1]), got=frame[-1]))
                self.buffer.skip_one()
                continue
            self.buffer.consume(total)
            out.append(frame[7:-1])
        return out

    def reset(self) -> None:
        self.buffer.clear()


def decode_request(body: bytes) -> Request:
    if len(body) < 2:
        raise FrameError("GA 467 request shorter than CMD PARA", device="idcard")
    return Request(body[0], body[1], body[2:])


def decode_response(body: bytes) -> Response:
    if len(body) < 3:
        raise FrameError("GA 467 response shorter than SW1 SW2 SW3", device="idcard")
    return Response(body[0], body[1], body[2], body[3:])


@dataclass(frozen=True)
class CardPayload:
    text: bytes
    photo: bytes
    fingerprint: bytes = b""


def split_read_payload(data: bytes, with_fingerprint: bool = False) -> CardPayload:
    """Split the data of a `30 01` (or `30 10`) answer: text length, photo length[, fp length], blocks."""
    n_lengths = 3 if with_fingerprint else 2
    head = 2 * n_lengths
    if len(data) < head:
        raise FrameError("read answer too short for its length fields", device="idcard", size=len(data))
    lengths = [int.from_bytes(data[i:i + 2], "big") for i in range(0, head, 2)]
    if head + sum(lengths) != len(data):
        raise FrameError("read answer lengths do not add up", device="idcard", lengths=lengths,
                         size=len(data))
    text = data[head:head + lengths[0]]
    photo = data[head + lengths[0]:head + lengths[0] + lengths[1]]
    fingerprint = data[head + lengths[0] + lengths[1]:] if with_fingerprint else b""
    return CardPayload(text, photo, fingerprint)


def build_read_payload(text: bytes, photo: bytes, fingerprint: bytes | None = None) -> bytes:
    parts = [len(text).to_bytes(2, "big"), len(photo).to_bytes(2, "big")]
    if fingerprint is not None:
        parts.append(len(fingerprint).to_bytes(2, "big"))
    return b"".join(parts) + text + photo + (fingerprint or b"")
