"""Simulated calling keypad: presses keys as frames of any keypad description (drivers/keypad/protocols or a
description file), records the host's LCD replies, and — on protocols with sequence numbers — retransmits a
key that got no reply, as real keypads do. `send_raw` puts any bytes on the line (garbage, frames of a layout
nobody described yet, for learning mode)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from drivers.core.errors import DeviceError
from drivers.keypad.codec import HostReply, Key, KeyEvent, PadKey, get_codec


class KeypadSimulator:
    def __init__(self, address: int = 1, codec: str | Path = "govhall-1", corrupt_next: int = 0) -> None:
        self.address = address
        self.codec = get_codec(codec)
        self.parser = self.codec.parser()
        self.replies: list[HostReply] = []
        self.naks = 0
        self.corrupt_next = corrupt_next  # damage the checksum of the next N key frames
        self.sent: list[bytes] = []  # every frame put on the line, in order
        self._seq = 0
        self._push = None
        self._pending: bytes | None = None
        self._answered = threading.Event()

    def attach(self, push) -> None:
        self._push = push

    @property
    def lcd(self) -> HostReply | None:
        return self.replies[-1] if self.replies else None

    def press(self, key: Key | PadKey, ticket: str = "", target_window: int = 0, digit: str = "") -> bytes:
        """Send one key press (on a keypad of single keys: the keys it takes, e.g. 转移 1 2 确认); returns the
        bytes sent (also pushed to the host when attached)."""
        self._seq = (self._seq + 1) & 0xFF
        presses = self.codec.encode_presses(KeyEvent(self.address, key, self._seq, ticket, target_window, digit))
        self._pending = presses[-1] if self.codec.sequence else None
        self._answered.clear()
        for frame in presses:
            self._send(frame)
        return b"".join(presses)

    def type_digits(self, digits: str, enter: bool = True) -> None:
        """Type a number on the digit keys (keypad login), then enter."""
        for c in digits:
            self.press(PadKey.DIGIT, digit=c)
        if enter:
            self.press(PadKey.ENTER)

    def press_and_wait(self, key: Key, timeout: float = 2.0, resend_after: float = 0.3,
                       **args) -> HostReply | None:
        """Press, retransmitting every `resend_after` s until the host replies or `timeout` passes."""
        self.press(key, **args)
        deadline = time.monotonic() + timeout
        while not self._answered.wait(min(resend_after, max(0.0, deadline - time.monotonic()))):
            if time.monotonic() >= deadline:
                return None
            self.retransmit()
        return self.lcd

    def retransmit(self) -> None:
        if self._pending:
            self._send(self._pending)

    def send_raw(self, data: bytes) -> None:
        self.sent.append(bytes(data))
        if self._push is not None:
            self._push(bytes(data))

    def _send(self, frame: bytes) -> None:
        if self.corrupt_next:
            self.corrupt_next -= 1
            frame = _damage_checksum(frame, self.codec.description)
        self.send_raw(frame)

    def receive(self, data: bytes) -> bytes:
        for item in self.parser.feed(data):
            if isinstance(item, DeviceError) or item.address != self.address:
                continue
            if self.codec.is_nak(item):
                self.naks += 1
                self.retransmit()
            elif self.codec.is_reply(item):
                reply = self.codec.decode_reply(item)
                if not self.codec.sequence or reply.seq == self._seq:
                    self.replies.append(reply)
                    self._pending = None
                    self._answered.set()
        return b""


def _damage_checksum(frame: bytes, description) -> bytes:  # noqa: ANN001
    """The frame with its first checksum byte changed (a literal frame: its last byte)."""
    at = len(frame) - len(description.terminator) - (2 if description.checksum == "crc16-modbus" else 1)
    at = at if description.checksum != "none" and not description.is_literal else len(frame) - 1
    return frame[:at] + bytes(((frame[at] + 1) & 0xFF,)) + frame[at + 1:]
