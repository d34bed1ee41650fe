"""Simulated BX-5/6 LED controller: validates CRC and framing, decodes dynamic-area text, records it and
answers like the controller. Scenarios: silent, corrupted answers, refusal status."""

from __future__ import annotations

import threading

from drivers.core.errors import DeviceError
from drivers.display import bx


class LedSimulator:
    def __init__(self, address: int = 1, escape: bool = True, encoding: str = "gbk") -> None:
        self.address = address
        self.parser = bx.BxParser(escape)
        self.escape = escape
        self.encoding = encoding
        self.texts: dict[int, str] = {}  # area id → text now shown
        self.history: list[str] = []
        self.errors: list[DeviceError] = []
        self.silent = 0
        self.corrupt_answers = 0
        self.refuse_status = 0
        self.shown = threading.Event()

    def receive(self, data: bytes) -> bytes:
        out = bytearray()
        for item in self.parser.feed(data):
            if isinstance(item, DeviceError):
                self.errors.append(item)  # a real controller stays silent on a damaged frame
                continue
            if item.dst not in (self.address, 0xFFFF):
                continue
            out += self._handle(item)
        return bytes(out)

    def _handle(self, frame: bx.BxFrame) -> bytes:
        status = self.refuse_status
        if frame.data[:2] == bx.DYNAMIC_TEXT and not status:
            try:
                for area in bx.decode_dynamic_text(frame.data, self.encoding):
                    self.texts[area.area_id] = area.text
                    self.history.append(area.text)
                self.shown.set()
            except DeviceError as exc:
                self.errors.append(exc)
                status = 0x02
        if self.silent:
            self.silent -= 1
            return b""
        damage = 0
        if self.corrupt_answers:
            self.corrupt_answers -= 1
            damage = 0x0101
        return bx.encode_frame(frame.src, frame.data[:2] + bytes((status,)), src=self.address,
                               esc=self.escape, crc_xor=damage)
