"""Keypad receiver driver: turns frames from the keypads' receiver into typed KeyEvents and answers them, in
any protocol a frame description describes (drivers/keypad/description.py).

On protocols with sequence numbers a keypad that gets no reply retransmits the same key with the same
number; the receiver answers a retransmission with the reply it already sent, so one press never calls two
tickets. Damaged frames are answered with a NAK (when the protocol has one and the address survived),
logged, and reported as typed errors; nothing on the line can stop the receiver.

Learning mode (`learning = True`) reads raw bytes instead: each burst (bytes with gaps under `gap` seconds)
is one press of a key nobody described yet, collected in `captured`."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from drivers.core.errors import ChecksumError, DeviceError
from drivers.core.transport import SerialLink
from drivers.keypad.codec import HostReply, KeyEvent, KeypadCodec, RawFrame, get_codec
from drivers.keypad.compose import KeyComposer

log = logging.getLogger("govhall.keypad")


class KeypadReceiver:
    def __init__(self, link: SerialLink, codec: str | Path | KeypadCodec = "govhall-1", gap: float = 0.08) -> None:
        self.link = link
        self.errors: list[DeviceError] = []
        self.learning = False
        self.captured: list[bytes] = []
        self.gap = gap
        self._burst = bytearray()
        self._burst_at = 0.0
        self.use(codec)

    def use(self, codec: str | Path | KeypadCodec) -> None:
        """Speak another description from now on (called on the receiver's own thread)."""
        self.codec = codec if isinstance(codec, KeypadCodec) else get_codec(codec)
        self._parser = self.codec.parser()
        self._composer = KeyComposer(self.codec.description.compose)
        self._last: dict[int, tuple[int, int, bytes | None]] = {}  # address → (key, seq, reply sent)

    def close(self) -> None:
        self.link.close()

    def poll(self, timeout: float = 0.1) -> list[KeyEvent]:
        """Key events that arrived within `timeout` (new presses only). Typed errors go to `self.errors`."""
        events: list[KeyEvent] = []
        deadline = time.monotonic() + timeout
        while True:
            chunk = self.link.read()
            if self.learning:
                self._capture(chunk)
            else:
                for item in self._parser.feed(chunk):
                    if isinstance(item, RawFrame):
                        self._frame(item, events)
                    else:
                        self._error(item)
            if events or time.monotonic() >= deadline:
                return events

    def reply(self, event: KeyEvent, reply: HostReply) -> None:
        if not self.codec.can_reply:
            return  # this keypad shows nothing the host sends
        frame = self.codec.encode_reply(event.address, HostReply(reply.current, reply.waiting, reply.beep,
                                                                 reply.refused, event.seq))
        if self.codec.sequence:
            self._last[event.address] = (int(event.key), event.seq, frame)
        self.link.write(frame)

    def run(self, on_event: Callable[[KeyEvent], None], stop: Callable[[], bool]) -> None:
        while not stop():
            for event in self.poll(0.1):
                on_event(event)

    def _error(self, exc: DeviceError) -> None:
        self.errors.append(exc)
        log.warning("keypad (%s): refused %s: %s", self.codec.name, exc.code, exc.message)
        if isinstance(exc, ChecksumError) and "address" in exc.details:
            nak = self.codec.encode_nak(exc.details["address"])
            if nak:
                self.link.write(nak)

    def _frame(self, frame: RawFrame, events: list[KeyEvent]) -> None:
        if self.codec.is_reply(frame) or self.codec.is_nak(frame):
            return  # our own kind of frame echoed on a shared line
        try:
            event = self.codec.decode_key(frame)
        except DeviceError as exc:
            self._error(exc)
            return
        if self.codec.sequence:
            last = self._last.get(event.address)
            if last and last[0] == int(event.key) and last[1] == event.seq:
                if last[2]:
                    self.link.write(last[2])  # retransmission: repeat our answer, do not act twice
                return
            self._last[event.address] = (int(event.key), event.seq, None)
        composed = self._composer.feed(event)
        if composed is not None:
            events.append(composed)

    def _capture(self, chunk: bytes) -> None:
        now = time.monotonic()
        if self._burst and (chunk or now - self._burst_at >= self.gap) and now - self._burst_at >= self.gap:
            self.captured.append(bytes(self._burst))
            self._burst.clear()
        if chunk:
            self._burst += chunk
            self._burst_at = now
