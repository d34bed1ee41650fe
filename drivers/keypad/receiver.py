"""Keypad receiver driver: turns frames from the keypads' receiver into typed KeyEvents and answers them.

A keypad that gets no reply retransmits the same key with the same sequence number; the receiver answers a
retransmission with the reply it already sent, so one press never calls two tickets. Damaged frames are
answered with a NAK (when the address survived) and reported as typed errors."""

from __future__ import annotations

import time
from collections.abc import Callable

from drivers.core.errors import ChecksumError, DeviceError
from drivers.core.transport import SerialLink
from drivers.keypad.codec import HostReply, KeyEvent, RawFrame, get_codec


class KeypadReceiver:
    def __init__(self, link: SerialLink, codec: str = "govhall-1") -> None:
        self.link = link
        self.codec = get_codec(codec)
        self._parser = self.codec.parser()
        self._last: dict[int, tuple[int, int, bytes | None]] = {}  # address → (cmd, seq, reply sent)
        self.errors: list[DeviceError] = []

    def close(self) -> None:
        self.link.close()

    def poll(self, timeout: float = 0.1) -> list[KeyEvent]:
        """Key events that arrived within `timeout` (new presses only). Typed errors go to `self.errors`."""
        events: list[KeyEvent] = []
        deadline = time.monotonic() + timeout
        while True:
            for item in self._parser.feed(self.link.read()):
                if isinstance(item, RawFrame):
                    self._frame(item, events)
                else:
                    self.errors.append(item)
                    if isinstance(item, ChecksumError) and "address" in item.details:
                        self.link.write(self.codec.encode_nak(item.details["address"]))
            if events or time.monotonic() >= deadline:
                return events

    def reply(self, event: KeyEvent, reply: HostReply) -> None:
        frame = self.codec.encode_reply(event.address, HostReply(reply.current, reply.waiting, reply.beep,
                                                                 reply.refused, event.seq))
        self._last[event.address] = (int(event.key), event.seq, frame)
        self.link.write(frame)

    def run(self, on_event: Callable[[KeyEvent], None], stop: Callable[[], bool]) -> None:
        while not stop():
            for event in self.poll(0.1):
                on_event(event)

    def _frame(self, frame: RawFrame, events: list[KeyEvent]) -> None:
        try:
            event = self.codec.decode_key(frame)
        except DeviceError as exc:
            self.errors.append(exc)
            return
        last = self._last.get(event.address)
        if last and last[0] == int(event.key) and last[1] == event.seq:
            if last[2]:
                self.link.write(last[2])  # retransmission: repeat our answer, do not act twice
            return
        self._last[event.address] = (int(event.key), event.seq, None)
        events.append(event)
