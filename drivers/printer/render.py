"""Pure ticket rendering: `render(ticket, profile) -> bytes` of ESC/POS, golden-byte tested.

Commands used: ESC @ init, FS & / FS . Chinese mode on/off, ESC a alignment, GS ! character size,
GS ( k native QR (model 2), ESC d feed, GS V cut (00 full, 01 partial; without a cutter: only feed)."""

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


def line(value: str, profile: PrinterProfile, scale: int = 1) -> bytes:
    """One printed line. If the printer font lacks any character of it, the whole line is printed as a raster
    image: ESC/POS accepts `GS v 0` only at the start of a line, so text and image cannot share one."""
    encoding = check_encoding(profile.encoding)
    if all(drawable for drawable, _ in split_runs(value, profile.font_charset)):
        return value.encode(encoding) + LF
    return raster_image(value, height=24 * scale)  # the image advances the paper itself


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
             size(2, 2), line(t.hall_name, profile, 2),
             size(1, 1), line(labels.business + t.business, profile),
             size(4, 4), line(t.number, profile, 4),
             size(1, 1), line(labels.people_ahead.format(n=t.people_ahead), profile)]
    if t.priority:
        parts += [size(2, 2), line(labels.priority + t.priority, profile, 2), size(1, 1)]
    if t.phone:
        parts += [line(labels.phone + t.phone, profile)]
    parts += [line(labels.issued_at + t.issued_at.strftime("%Y-%m-%d %H:%M:%S"), profile)]
    if t.follow_url:
        parts += [qr(t.follow_url.encode("utf-8"), profile.qr_module), LF, line(labels.follow_qr, profile)]
    parts += [line(labels.footer, profile), align(0), CHINESE_OFF if chinese else b"", cut(profile)]
    return b"".join(parts)
