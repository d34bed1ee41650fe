"""Simulated calling keypad: presses keys (as frames of the chosen codec), records the host's LCD replies,
and retransmits a key that got no reply, as real keypads do."""

from __future__ import annotations

import threading
import time

from drivers.core.errors import DeviceError
from drivers.keypad.codec import CMD_NAK, CMD_REPLY, HostReply, Key, KeyEvent, get_codec


class KeypadSimulator:
    def __init__(self, address: int = 1, codec: str = "govhall-1", corrupt_next: int = 0) -> None:
        self.address = address
        self.codec = get_codec(codec)
        self.parser = self.codec.parser()
        self.replies: list[HostReply] = []
        self.naks = 0
        self.corrupt_next = corrupt_next  # damage the checksum of the next N key frames
        self._seq = 0
        self._push = None
        self._pending: bytes | None = None
        self._answered = threading.Event()

    def attach(self, push) -> None:
        self._push = push

    @property
    def lcd(self) -> HostReply | None:
        return self.replies[-1] if self.replies else None

    def press(self, key: Key, ticket: str = "", target_window: int = 0) -> bytes:
        """Send one key press; returns the frame (also pushed to the host when attached)."""
        self._seq = (self._seq + 1) & 0xFF
        frame = self.codec.encode_key(KeyEvent(self.address, key, self._seq, ticket, target_window))
        self._pending = frame
        self._answered.clear()
        self._send(frame)
        return frame

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

    def _send(self, frame: bytes) -> None:
        if self.corrupt_next:
            self.corrupt_next -= 1
            frame = frame[:-2] + bytes(((frame[-2] + 1) & 0xFF,)) + frame[-1:]
        if self._push is not None:
            self._push(frame)

    def receive(self, data: bytes) -> bytes:
        for item in self.parser.feed(data):
            if isinstance(item, DeviceError) or item.address != self.address:
                continue
            if item.cmd == CMD_NAK:
                self.naks += 1
                self.retransmit()
            elif item.cmd == CMD_REPLY:
                reply = self.codec.decode_reply(item)
                if reply.seq == self._seq:
                    self.replies.append(reply)
                    self._pending = None
                    self._answered.set()
        return b""
