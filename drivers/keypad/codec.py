"""Our calling-keypad (叫号器) receiver protocol, "govhall-1", the first of the pluggable keypad codecs.

Keypads have no public standard; each vendor ships its own receiver protocol. Ours (RS-232/USB serial,
9600 8N1) is documented here and in drivers/README.md:

    AA 55 | ADDR | CMD | LEN | DATA (LEN bytes, ≤ 32) | CHK | 0D
    CHK = (ADDR + CMD + LEN + sum(DATA)) mod 256

Keypad → host, DATA[0] is a sequence number (0–255, wraps) so the host can spot a retransmitted key:
    01 call next   02 recall   03 call specific (+ ticket number, 1–8 ASCII A–Z/0–9)   04 pause
    05 resume      06 hold     07 transfer (+ target window, 2 bytes BE)   08 evaluation prompt
    09 query waiting
Host → keypad:
    A0 reply: seq | flags (bit0 beep, bit1 refused) | waiting count (2, BE) | current number (0–8 ASCII)
    A1 negative acknowledge (frame damaged: the keypad retransmits)
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from drivers.core.errors import ChecksumError, DeviceError, FrameError, ProtocolError
from drivers.core.framing import ResyncBuffer, sum_checksum

HEADER = b"\xAA\x55"
END = 0x0D
MAX_DATA = 32
CMD_REPLY = 0xA0
CMD_NAK = 0xA1
_TICKET = re.compile(r"^[A-Z0-9]{1,8}$")


class Key(enum.IntEnum):
    CALL_NEXT = 0x01
    RECALL = 0x02
    CALL_SPECIFIC = 0x03
    PAUSE = 0x04
    RESUME = 0x05
    HOLD = 0x06
    TRANSFER = 0x07
    EVALUATE = 0x08
    QUERY_WAITING = 0x09


@dataclass(frozen=True)
class KeyEvent:
    address: int
    key: Key
    seq: int = 0
    ticket: str = ""  # CALL_SPECIFIC
    target_window: int = 0  # TRANSFER


@dataclass(frozen=True)
class HostReply:
    current: str = ""
    waiting: int = 0
    beep: bool = False
    refused: bool = False
    seq: int = 0


@dataclass(frozen=True)
class RawFrame:
    address: int
    cmd: int
    data: bytes


def encode_frame(address: int, cmd: int, data: bytes = b"") -> bytes:
    if not 0 <= address <= 0xFF or not 0 <= cmd <= 0xFF or len(data) > MAX_DATA:
        raise ValueError("address/cmd are bytes and data holds at most 32 bytes")
    body = bytes((address, cmd, len(data))) + data
    return HEADER + body + bytes((sum_checksum(body), END))


class KeypadParser:
    """Incremental, resynchronising parser: yields RawFrame or typed errors in stream order; never raises."""

    def __init__(self) -> None:
        self.buffer = ResyncBuffer(HEADER, max_size=4096)

    def feed(self, chunk: bytes) -> list[RawFrame | DeviceError]:
        self.buffer.extend(chunk)
        out: list[RawFrame | DeviceError] = []
        while self.buffer.align():
            data = self.buffer.data
            if len(data) < 5:
                break
            length = data[4]
            if length > MAX_DATA:
                out.append(FrameError(f"keypad frame length {length} > {MAX_DATA}", device="keypad"))
                self.buffer.skip_one()
                continue
            total = 7 + length
            if len(data) < total:
                break
            frame = bytes(data[:total])
            if frame[-1] != END:
                out.append(FrameError("keypad frame without end byte", device="keypad"))
                self.buffer.skip_one()
                continue
            if sum_checksum(frame[2:-2]) != frame[-2]:
                out.append(ChecksumError("keypad checksum mismatch", device="keypad", address=frame[2]))
                self.buffer.skip_one()
                continue
            self.buffer.consume(total)
            out.append(RawFrame(frame[2], frame[3], frame[5:-2]))
        return out


class GovhallKeypadCodec:
    """Codec interface every vendor codec implements: parser(), decode_key, encode_key, encode_reply,
    decode_reply, encode_nak."""

    name = "govhall-1"

    def parser(self) -> KeypadParser:
        return KeypadParser()

    def encode_key(self, event: KeyEvent) -> bytes:
        data = bytes((event.seq & 0xFF,))
        if event.key == Key.CALL_SPECIFIC:
            if not _TICKET.match(event.ticket):
                raise ValueError("ticket number must be 1–8 characters A–Z/0–9")
            data += event.ticket.encode("ascii")
        elif event.key == Key.TRANSFER:
            data += event.target_window.to_bytes(2, "big")
        return encode_frame(event.address, int(event.key), data)

    def decode_key(self, frame: RawFrame) -> KeyEvent:
        try:
            key = Key(frame.cmd)
        except ValueError:
            raise ProtocolError(f"unknown keypad command {frame.cmd:02X}", device="keypad",
                                cmd=frame.cmd) from None
        if not frame.data:
            raise FrameError("key frame without sequence number", device="keypad")
        seq, args = frame.data[0], frame.data[1:]
        if key == Key.CALL_SPECIFIC:
            ticket = args.decode("ascii", errors="replace")
            if not _TICKET.match(ticket):
                raise FrameError(f"bad ticket number {args!r}", device="keypad")
            return KeyEvent(frame.address, key, seq, ticket=ticket)
        if key == Key.TRANSFER:
            if len(args) != 2 or not int.from_bytes(args, "big"):
                raise FrameError("transfer needs a 2-byte window number", device="keypad")
            return KeyEvent(frame.address, key, seq, target_window=int.from_bytes(args, "big"))
        if args:
            raise FrameError(f"{key.name} takes no arguments", device="keypad")
        return KeyEvent(frame.address, key, seq)

    def encode_reply(self, address: int, reply: HostReply) -> bytes:
        current = reply.current.encode("ascii", errors="replace")[:8]
        flags = (1 if reply.beep else 0) | (2 if reply.refused else 0)
        waiting = max(0, min(reply.waiting, 0xFFFF)).to_bytes(2, "big")
        data = bytes((reply.seq & 0xFF, flags)) + waiting + current
        return encode_frame(address, CMD_REPLY, data)

    def decode_reply(self, frame: RawFrame) -> HostReply:
        if frame.cmd != CMD_REPLY or len(frame.data) < 4:
            raise FrameError("not a host reply", device="keypad")
        d = frame.data
        return HostReply(current=d[4:].decode("ascii", errors="replace"),
                         waiting=int.from_bytes(d[2:4], "big"),
                         beep=bool(d[1] & 1), refused=bool(d[1] & 2), seq=d[0])

    def encode_nak(self, address: int) -> bytes:
        return encode_frame(address, CMD_NAK)


KEYPAD_CODECS = {GovhallKeypadCodec.name: GovhallKeypadCodec}


def get_codec(name: str = "govhall-1"):
    try:
        return KEYPAD_CODECS[name or "govhall-1"]()
    except KeyError:
        from drivers.core.errors import ConfigError

        raise ConfigError(f"unknown keypad codec {name!r}; known: {sorted(KEYPAD_CODECS)}",
                          device="keypad") from None
