"""Table-driven calling-keypad (叫号器) codec: one class speaks every keypad receiver protocol a frame
description (drivers/keypad/description.py, protocols/*.toml) describes. Our own protocol, "govhall-1", is
one such description (see protocols/govhall-1.toml and drivers/README.md):

    AA 55 | ADDR | CMD | LEN | DATA (LEN bytes, ≤ 32) | CHK | 0D
    CHK = (ADDR + CMD + LEN + sum(DATA)) mod 256

The parser is incremental and resynchronising: garbage, truncated frames and bad checksums come out as typed
errors in stream order and never stop the next good frame."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from drivers.core.errors import FrameError, ProtocolError
from drivers.keypad.checksums import CHECKSUMS
from drivers.keypad.description import Description, load_description
from drivers.keypad.parsers import FrameParser, LiteralParser, RawFrame  # noqa: F401  (RawFrame: re-exported)

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


class PadKey(enum.IntEnum):
    """Keys beyond the desk actions: digits and enter/clear (keypad login, a transfer typed on single keys),
    and the one pause key of keypads that toggle pause and resume."""
    DIGIT = 0x0A
    ENTER = 0x0B
    CLEAR = 0x0C
    PAUSE_TOGGLE = 0x0D


ACTION_KEYS = {"next": Key.CALL_NEXT, "recall": Key.RECALL, "call_specific": Key.CALL_SPECIFIC,
               "pause": Key.PAUSE, "resume": Key.RESUME, "pause_toggle": PadKey.PAUSE_TOGGLE, "hold": Key.HOLD,
               "transfer": Key.TRANSFER, "evaluate": Key.EVALUATE, "query": Key.QUERY_WAITING,
               "digit": PadKey.DIGIT, "enter": PadKey.ENTER, "clear": PadKey.CLEAR}
KEY_ACTIONS = {key: action for action, key in ACTION_KEYS.items()}


@dataclass(frozen=True)
class KeyEvent:
    address: int
    key: Key | PadKey
    seq: int = 0
    ticket: str = ""  # CALL_SPECIFIC
    target_window: int = 0  # TRANSFER
    digit: str = ""  # DIGIT


@dataclass(frozen=True)
class HostReply:
    current: str = ""
    waiting: int = 0
    beep: bool = False
    refused: bool = False
    seq: int = 0


class KeypadCodec:
    """Builds and reads key frames and reply frames of one description. Interface used by the receiver and
    the simulator: parser(), decode_key, encode_key, encode_reply, decode_reply, encode_nak, is_reply, is_nak."""

    def __init__(self, description: Description) -> None:
        self.description = d = description
        self.name = d.name
        self._by_frame = dict(d.literal)

    @property
    def sequence(self) -> bool:
        return self.description.sequence

    @property
    def can_reply(self) -> bool:
        return self.description.reply_command is not None

    def parser(self) -> FrameParser | LiteralParser:
        return LiteralParser(self.description) if self.description.is_literal else FrameParser(self.description)

    # -- frames -----------------------------------------------------------------------------------------------
    def encode_frame(self, address: int, cmd: int, data: bytes = b"") -> bytes:
        d = self.description
        if not 0 <= address <= 0xFF or not 0 <= cmd <= 0xFF or len(data) > d.max_data:
            raise ValueError(f"address/cmd are bytes and data holds at most {d.max_data} bytes")
        if "length" not in d.fields and len(data) != d.data_length.get(cmd, 0):
            raise ValueError(f"command {cmd:02X} carries {d.data_length.get(cmd, 0)} data bytes in {d.name}")
        parts: dict[str, bytes] = {"address": bytes((address,)), "command": bytes((cmd,)),
                                   "length": bytes((len(data),)), "data": data}
        frame = bytearray(d.header)
        starts = {"header": 0}
        for name in d.fields:
            starts[name] = len(frame)
            if name == "checksum":
                frame += CHECKSUMS[d.checksum][1](bytes(frame[starts[d.checksum_from]:]))
            else:
                frame += parts[name]
        return bytes(frame + d.terminator)

    # -- keys -------------------------------------------------------------------------------------------------
    def decode_key(self, frame: RawFrame) -> KeyEvent:
        d = self.description
        if d.is_literal:
            action = self._by_frame.get(frame.raw)
            if action is None:
                raise ProtocolError("frame is not a learned key", device="keypad")
            return self._event(frame.address, action, 0, b"")
        action = d.keys.get(frame.cmd)
        if action is None:
            raise ProtocolError(f"unknown keypad command {frame.cmd:02X}", device="keypad", cmd=frame.cmd,
                                protocol=d.name)
        seq, args = 0, frame.data
        if d.sequence:
            if not frame.data:
                raise FrameError("key frame without sequence number", device="keypad")
            seq, args = frame.data[0], frame.data[1:]
        return self._event(frame.address, action, seq, args)

    def _event(self, address: int, action: str, seq: int, args: bytes) -> KeyEvent:
        base, _, fixed_digit = action.partition(":")
        key = ACTION_KEYS[base]
        if fixed_digit:
            return KeyEvent(address, key, seq, digit=fixed_digit)
        kind = self.description.arguments.get(base)
        if kind == "ticket":
            ticket = args.decode("ascii", errors="replace")
            if not _TICKET.match(ticket):
                raise FrameError(f"bad ticket number {args!r}", device="keypad")
            return KeyEvent(address, key, seq, ticket=ticket)
        if kind == "u16be":
            if len(args) != 2 or not int.from_bytes(args, "big"):
                raise FrameError("transfer needs a 2-byte window number", device="keypad")
            return KeyEvent(address, key, seq, target_window=int.from_bytes(args, "big"))
        if kind == "digit":
            if len(args) != 1 or not chr(args[0]).isdigit():
                raise FrameError(f"digit key needs one ASCII digit, got {args!r}", device="keypad")
            return KeyEvent(address, key, seq, digit=chr(args[0]))
        if args:
            raise FrameError(f"{key.name} takes no arguments", device="keypad")
        return KeyEvent(address, key, seq)

    def encode_key(self, event: KeyEvent) -> bytes:
        """The bytes a keypad sends for `event`: one frame, or on a keypad of single keys the prefix key, the
        argument's digits and enter (a transfer to window 12 is 转移 1 2 确认)."""
        return b"".join(self.encode_presses(event))

    def encode_presses(self, event: KeyEvent) -> list[bytes]:
        d = self.description
        action = KEY_ACTIONS[event.key]
        argument = event.ticket if event.key == Key.CALL_SPECIFIC else (
            str(event.target_window) if event.key == Key.TRANSFER and event.target_window else "")
        if argument and action in d.compose and action not in d.arguments:
            if not argument.isdigit():
                raise ValueError(f"{d.name} types {action}'s argument on digit keys: digits only")
            presses = [self._single(event.address, action, event.seq)]
            presses += [self._single(event.address, f"digit:{c}", event.seq) for c in argument]
            return presses + [self._single(event.address, "enter", event.seq)]
        if event.key == PadKey.DIGIT and "digit" not in (*d.keys.values(), *d.literal.values()):
            return [self._single(event.address, f"digit:{event.digit}", event.seq)]
        if not argument and action in d.compose and action not in d.arguments:
            return [self._single(event.address, action, event.seq)]  # the prefix key alone
        return [self._single(event.address, action, event.seq, event)]

    def _single(self, address: int, action: str, seq: int, event: KeyEvent | None = None) -> bytes:
        d = self.description
        if d.is_literal:
            frame = next((f for f, a in d.literal.items() if a == action), None)
            if frame is None:
                raise ValueError(f"{d.name} has learned no frame for {action}")
            return frame
        cmd = d.command_for(action)
        if cmd is None:
            raise ValueError(f"{d.name} has no key for {action}")
        data = bytes((seq & 0xFF,)) if d.sequence else b""
        kind = d.arguments.get(action)
        if event is not None and kind == "ticket":
            if not _TICKET.match(event.ticket):
                raise ValueError("ticket number must be 1–8 characters A–Z/0–9")
            data += event.ticket.encode("ascii")
        elif event is not None and kind == "u16be":
            data += event.target_window.to_bytes(2, "big")
        elif event is not None and kind == "digit":
            if len(event.digit) != 1 or not event.digit.isdigit():
                raise ValueError("a digit key carries one digit")
            data += event.digit.encode("ascii")
        return self.encode_frame(address, cmd, data)

    # -- replies ----------------------------------------------------------------------------------------------
    def is_reply(self, frame: RawFrame) -> bool:
        return self.can_reply and frame.cmd == self.description.reply_command

    def is_nak(self, frame: RawFrame) -> bool:
        return self.description.nak_command is not None and frame.cmd == self.description.nak_command

    def encode_reply(self, address: int, reply: HostReply) -> bytes:
        d = self.description
        if d.reply_command is None:
            raise ValueError(f"{d.name} keypads take no replies")
        data = b""
        flags = (1 if reply.beep else 0) | (2 if reply.refused else 0)
        for name, kind in d.reply_fields:
            value = {"seq": reply.seq & 0xFF, "flags": flags, "waiting": reply.waiting}.get(name)
            if name == "current":
                text = reply.current.encode("ascii", errors="replace")
                size = int(kind[5:] or 8)
                data += text[:size] if kind == "ascii" else text[-size:].ljust(size, b" ")
            elif kind == "u16be":
                data += max(0, min(value, 0xFFFF)).to_bytes(2, "big")
            else:
                data += bytes((max(0, min(value, 0xFF)),))
        return self.encode_frame(address, d.reply_command, data)

    def decode_reply(self, frame: RawFrame) -> HostReply:
        if not self.is_reply(frame):
            raise FrameError("not a host reply", device="keypad")
        values: dict[str, object] = {"seq": 0, "flags": 0, "waiting": 0, "current": ""}
        d, pos = frame.data, 0
        for name, kind in self.description.reply_fields:
            if kind.startswith("ascii"):
                size = int(kind[5:]) if kind[5:] else len(d) - pos
                values[name] = d[pos:pos + size].decode("ascii", errors="replace").strip()
                pos += size
                continue
            size = 2 if kind == "u16be" else 1
            if len(d) < pos + size:
                raise FrameError("host reply too short", device="keypad")
            values[name] = int.from_bytes(d[pos:pos + size], "big")
            pos += size
        flags = int(values["flags"])
        return HostReply(current=str(values["current"]), waiting=int(values["waiting"]), beep=bool(flags & 1),
                         refused=bool(flags & 2), seq=int(values["seq"]))

    def encode_nak(self, address: int) -> bytes | None:
        cmd = self.description.nak_command
        return None if cmd is None else self.encode_frame(address, cmd)


@lru_cache(maxsize=32)
def _cached(name: str, mtime: float) -> KeypadCodec:
    return KeypadCodec(load_description(name))


def get_codec(name: str | Path = "govhall-1") -> KeypadCodec:
    """The codec of a shipped description ("govhall-1", "wireless-15key") or of a description file's path.
    An unknown name or a broken file is a ConfigError saying which."""
    text = str(name or "govhall-1")
    path = Path(text)
    mtime = path.stat().st_mtime if text.endswith(".toml") and path.is_file() else 0.0
    return _cached(text, mtime)


# govhall-1 at module level, as its unit tests and tools use it
_GOVHALL = get_codec("govhall-1")
HEADER = _GOVHALL.description.header
END = _GOVHALL.description.terminator[0]
MAX_DATA = _GOVHALL.description.max_data
CMD_REPLY = _GOVHALL.description.reply_command
CMD_NAK = _GOVHALL.description.nak_command


def encode_frame(address: int, cmd: int, data: bytes = b"") -> bytes:
    return _GOVHALL.encode_frame(address, cmd, data)


def KeypadParser(description: Description | None = None) -> FrameParser | LiteralParser:  # noqa: N802
    """A parser for `description` (govhall-1 by default)."""
    return KeypadCodec(description).parser() if description else _GOVHALL.parser()
