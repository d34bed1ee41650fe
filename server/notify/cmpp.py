"""CMPP 2.0 (中国移动通信互联网短信网关接口协议 v2.0) frames: a 12-byte header (Total_Length, Command_Id,
Sequence_Id, big-endian) and the bodies the SMS sender and its simulator use — CONNECT (MD5 authenticator),
SUBMIT (UCS2 text, long text split with a concatenation UDH), DELIVER (replies and status reports), ACTIVE_TEST
and TERMINATE with their responses. Fixed-length text fields are ASCII, padded with NULs."""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass

VERSION = 0x20
HEADER = struct.Struct(">III")
CONNECT, CONNECT_RESP = 0x00000001, 0x80000001
TERMINATE, TERMINATE_RESP = 0x00000002, 0x80000002
SUBMIT, SUBMIT_RESP = 0x00000004, 0x80000004
DELIVER, DELIVER_RESP = 0x00000005, 0x80000005
ACTIVE_TEST, ACTIVE_TEST_RESP = 0x00000008, 0x80000008
UCS2, ASCII = 8, 0
MAX_OCTETS = 140
SEGMENT_CHARS = 67      # 140 octets less the 6-octet UDH, in UCS2 characters
MAX_FRAME = 4096


class CmppError(Exception):
    """A frame that is not CMPP 2.0 as we speak it."""


def fixed(text: str, size: int) -> bytes:
    raw = text.encode("ascii")
    if len(raw) > size:
        raise CmppError(f"{text!r} is longer than {size} octets")
    return raw.ljust(size, b"\0")


def unfixed(raw: bytes) -> str:
    return raw.rstrip(b"\0").decode("ascii", errors="replace")


def authenticator_source(source_addr: str, secret: str, timestamp: str) -> bytes:
    """MD5(Source_Addr + 9 octets of 0 + shared secret + timestamp 'MMDDHHMMSS')."""
    return hashlib.md5(source_addr.encode("ascii") + b"\0" * 9 + secret.encode("ascii")
                       + timestamp.encode("ascii")).digest()


def authenticator_ismg(status: int, auth_source: bytes, secret: str) -> bytes:
    """MD5(Status + AuthenticatorSource + shared secret): the gateway proves it knows the secret too."""
    return hashlib.md5(bytes([status]) + auth_source + secret.encode("ascii")).digest()


@dataclass(frozen=True)
class Connect:
    source_addr: str
    authenticator: bytes
    timestamp: int          # MMDDHHMMSS as a number
    version: int = VERSION

    def body(self) -> bytes:
        return (fixed(self.source_addr, 6) + self.authenticator + bytes([self.version])
                + struct.pack(">I", self.timestamp))

    @classmethod
    def parse(cls, b: bytes) -> Connect:
        return cls(unfixed(b[:6]), b[6:22], struct.unpack(">I", b[23:27])[0], b[22])


@dataclass(frozen=True)
class ConnectResp:
    status: int             # 0 ok, 1 bad structure, 2 bad source address, 3 authentication failed, 4 version
    authenticator: bytes
    version: int = VERSION

    def body(self) -> bytes:
        return bytes([self.status]) + self.authenticator + bytes([self.version])

    @classmethod
    def parse(cls, b: bytes) -> ConnectResp:
        return cls(b[0], b[1:17], b[17])


@dataclass(frozen=True)
class Submit:
    dest: tuple[str, ...]
    content: bytes
    msg_fmt: int = UCS2
    src_id: str = ""
    service_id: str = ""
    msg_src: str = ""
    pk_total: int = 1
    pk_number: int = 1
    udhi: int = 0
    registered_delivery: int = 1    # ask for a status report
    msg_id: int = 0

    def body(self) -> bytes:
        if len(self.content) > MAX_OCTETS:
            raise CmppError("message content over 140 octets")
        return (struct.pack(">QBBBB", self.msg_id, self.pk_total, self.pk_number, self.registered_delivery, 0)
                + fixed(self.service_id, 10) + bytes([0]) + fixed("", 21)      # Fee_UserType, Fee_terminal_Id
                + bytes([0, self.udhi, self.msg_fmt]) + fixed(self.msg_src, 6)  # TP_pId, TP_udhi, Msg_Fmt
                + fixed("01", 2) + fixed("", 6) + fixed("", 17) + fixed("", 17)  # FeeType 免费, FeeCode, times
                + fixed(self.src_id, 21) + bytes([len(self.dest)]) + b"".join(fixed(d, 21) for d in self.dest)
                + bytes([len(self.content)]) + self.content + b"\0" * 8)

    @classmethod
    def parse(cls, b: bytes) -> Submit:
        msg_id, total, number, registered, _level = struct.unpack(">QBBBB", b[:12])
        service = unfixed(b[12:22])
        udhi, fmt, src = b[45], b[46], unfixed(b[47:53])
        src_id = unfixed(b[95:116])
        count = b[116]
        at = 117 + 21 * count
        dest = tuple(unfixed(b[117 + 21 * i:138 + 21 * i]) for i in range(count))
        length = b[at]
        content = b[at + 1:at + 1 + length]
        if len(content) != length:
            raise CmppError("SUBMIT shorter than its Msg_Length")
        return cls(dest, content, fmt, src_id, service, src, total, number, udhi, registered, msg_id)


@dataclass(frozen=True)
class SubmitResp:
    msg_id: int
    result: int             # 0 ok; 8 flow control (too fast); others refused

    def body(self) -> bytes:
        return struct.pack(">QB", self.msg_id, self.result)

    @classmethod
    def parse(cls, b: bytes) -> SubmitResp:
        return cls(*struct.unpack(">QB", b[:9]))


@dataclass(frozen=True)
class StatusReport:
    msg_id: int
    stat: str               # DELIVRD, EXPIRED, UNDELIV, REJECTD…
    submit_time: str        # YYMMDDHHMM
    done_time: str
    dest: str
    smsc_sequence: int = 0

    def body(self) -> bytes:
        return (struct.pack(">Q", self.msg_id) + fixed(self.stat, 7) + fixed(self.submit_time, 10)
                + fixed(self.done_time, 10) + fixed(self.dest, 21) + struct.pack(">I", self.smsc_sequence))

    @classmethod
    def parse(cls, b: bytes) -> StatusReport:
        if len(b) != 60:
            raise CmppError("a status report is 60 octets")
        return cls(struct.unpack(">Q", b[:8])[0], unfixed(b[8:15]), unfixed(b[15:25]), unfixed(b[25:35]),
                   unfixed(b[35:56]), struct.unpack(">I", b[56:60])[0])


@dataclass(frozen=True)
class Deliver:
    msg_id: int
    dest_id: str
    src_terminal: str
    content: bytes
    msg_fmt: int = ASCII
    registered_delivery: int = 0    # 1: content is a StatusReport
    service_id: str = ""

    def body(self) -> bytes:
        return (struct.pack(">Q", self.msg_id) + fixed(self.dest_id, 21) + fixed(self.service_id, 10)
                + bytes([0, 0, self.msg_fmt]) + fixed(self.src_terminal, 21)
                + bytes([self.registered_delivery, len(self.content)]) + self.content + b"\0" * 8)

    @classmethod
    def parse(cls, b: bytes) -> Deliver:
        length = b[64]
        content = b[65:65 + length]
        if len(content) != length:
            raise CmppError("DELIVER shorter than its Msg_Length")
        return cls(struct.unpack(">Q", b[:8])[0], unfixed(b[8:29]), unfixed(b[42:63]), content,
                   b[41], b[63], unfixed(b[29:39]))

    def report(self) -> StatusReport | None:
        return StatusReport.parse(self.content) if self.registered_delivery == 1 else None

    def text(self) -> str:
        return self.content.decode("utf-16-be" if self.msg_fmt == UCS2 else "gbk" if self.msg_fmt == 15
                                   else "ascii", errors="replace")


@dataclass(frozen=True)
class DeliverResp:
    msg_id: int
    result: int = 0

    def body(self) -> bytes:
        return struct.pack(">QB", self.msg_id, self.result)

    @classmethod
    def parse(cls, b: bytes) -> DeliverResp:
        return cls(*struct.unpack(">QB", b[:9]))


@dataclass(frozen=True)
class Empty:
    """ACTIVE_TEST, TERMINATE and TERMINATE_RESP carry no body; ACTIVE_TEST_RESP one reserved octet."""
    reserved: bytes = b""

    def body(self) -> bytes:
        return self.reserved

    @classmethod
    def parse(cls, b: bytes) -> Empty:
        return cls(b)


BODIES = {CONNECT: Connect, CONNECT_RESP: ConnectResp, SUBMIT: Submit, SUBMIT_RESP: SubmitResp,
          DELIVER: Deliver, DELIVER_RESP: DeliverResp, ACTIVE_TEST: Empty, ACTIVE_TEST_RESP: Empty,
          TERMINATE: Empty, TERMINATE_RESP: Empty}


def encode(command_id: int, sequence: int, message) -> bytes:  # noqa: ANN001 - one of BODIES' types
    body = message.body()
    return HEADER.pack(HEADER.size + len(body), command_id, sequence) + body


def decode(frame: bytes):  # noqa: ANN201 - (command_id, sequence, message)
    if len(frame) < HEADER.size:
        raise CmppError("frame shorter than its header")
    total, command_id, sequence = HEADER.unpack(frame[:HEADER.size])
    if total != len(frame):
        raise CmppError("Total_Length does not match the frame")
    kind = BODIES.get(command_id)
    if kind is None:
        raise CmppError(f"unknown Command_Id {command_id:#010x}")
    try:
        return command_id, sequence, kind.parse(frame[HEADER.size:])
    except (IndexError, struct.error) as exc:
        raise CmppError(f"truncated {kind.__name__}") from exc


def read_frame(recv_exactly) -> bytes:  # noqa: ANN001 - callable(n) -> bytes
    head = recv_exactly(4)
    total = struct.unpack(">I", head)[0]
    if not HEADER.size <= total <= MAX_FRAME:
        raise CmppError(f"implausible Total_Length {total}")
    return head + recv_exactly(total - 4)


def segments(text: str, reference: int) -> list[tuple[int, bytes]]:
    """The text as UCS2 submit contents: one segment when it fits 70 characters, else 67-character parts each
    behind a UDH (05 00 03 ref total n). Returns (udhi, content) pairs."""
    if len(text) <= MAX_OCTETS // 2:
        return [(0, text.encode("utf-16-be"))]
    parts = [text[i:i + SEGMENT_CHARS] for i in range(0, len(text), SEGMENT_CHARS)]
    if len(parts) > 255:
        raise CmppError("text too long for one concatenated message")
    return [(1, bytes([5, 0, 3, reference & 0xFF, len(parts), n + 1]) + p.encode("utf-16-be"))
            for n, p in enumerate(parts)]


def join_segments(parts: list[tuple[int, bytes]]) -> str:
    """Inverse of `segments` for one message's parts in order (the simulator records the whole text)."""
    return "".join((c[c[0] + 1:] if udhi else c).decode("utf-16-be") for udhi, c in parts)
