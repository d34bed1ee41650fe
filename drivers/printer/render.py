"""Pure ticket rendering: `render(ticket, profile) -> bytes` of ESC/POS, golden-byte tested.

Commands used: ESC @ init, FS & / FS . Chinese mode on/off, ESC a alignment, GS ! character size,
GS ( k native QR (model 2), ESC d feed, GS V cut (00 full, 01 partial; a profile without cutter only feeds)."""

from __future__ import annotations

from dataclasses import dataclass

from drivers.printer.encoding import check_encoding, raster_image, split_runs
from drivers.printer.ticket import Ticket

INIT = b"\x1b\x40"
CHINESE_ON = b"\x1c\x26"
CHINESE_OFF = b"\x1c\x2e"
LF = b"\n"


def align(n: int) -> bytes:  # 0 left, 1 centre, 2 right
    return b"\x1b\x61" + bytes((n,))


def size(width: int, height: int) -> bytes:
    return b"\x1d\x21" + bytes((((width - 1) << 4) | (height - 1),))


def feed(lines: int) -> bytes:
    return b"\x1b\x64" + bytes((lines,))


def qr(data: bytes, module: int = 6, ecc: str = "M") -> bytes:
    def k(fn: bytes) -> bytes:
        return b"\x1d\x28\x6b" + len(fn).to_bytes(2, "little") + fn

    ecc_byte = {"L": 0x30, "M": 0x31, "Q": 0x32, "H": 0x33}[ecc]
    return (k(b"\x31\x41\x32\x00") + k(b"\x31\x43" + bytes((module,))) + k(b"\x31\x45" + bytes((ecc_byte,)))
            + k(b"\x31\x50\x30" + data) + k(b"\x31\x51\x30"))


@dataclass(frozen=True)
class PrinterProfile:
    encoding: str = "gb18030"
    font_charset: str = "gb18030"  # what the printer's font can draw; "gb2312" for many cheap printers
    cutter: str = "partial"  # partial | full | none
    qr_module: int = 6
    feed_before_cut: int = 4


def text(value: str, profile: PrinterProfile) -> bytes:
    encoding = check_encoding(profile.encoding)
    out = bytearray()
    for drawable, run in split_runs(value, profile.font_charset):
        if drawable:
            out += run.encode(encoding)
        else:
            out += raster_image(run)
    return bytes(out)


def cut(profile: PrinterProfile) -> bytes:
    tail = feed(profile.feed_before_cut)
    if profile.cutter == "full":
        return tail + b"\x1d\x56\x00"
    if profile.cutter == "partial":
        return tail + b"\x1d\x56\x01"
    return tail


def render(ticket: Ticket, profile: PrinterProfile = PrinterProfile()) -> bytes:
    t, labels = ticket, ticket.labels
    chinese = check_encoding(profile.encoding) != "utf-8"
    parts = [INIT, CHINESE_ON if chinese else b"", align(1),
             size(2, 2), text(t.hall_name, profile), LF,
             size(1, 1), text(labels.business + t.business, profile), LF,
             size(4, 4), text(t.number, profile), LF,
             size(1, 1), text(labels.people_ahead.format(n=t.people_ahead), profile), LF,
             text(labels.issued_at + t.issued_at.strftime("%Y-%m-%d %H:%M:%S"), profile), LF]
    if t.follow_url:
        parts += [qr(t.follow_url.encode("utf-8"), profile.qr_module), LF, text(labels.follow_qr, profile), LF]
    parts += [text(labels.footer, profile), LF, align(0), CHINESE_OFF if chinese else b"", cut(profile)]
    return b"".join(parts)
