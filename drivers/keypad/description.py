"""Keypad frame descriptions: a keypad receiver's serial protocol as data (TOML), so a hall can plug in the
keypads it owns. Shipped descriptions live in drivers/keypad/protocols/<name>.toml; a hall's own (or one
written by the client's learning mode) is named by its path in the `[keypad] protocol` setting.

A description is either *structured* — header, fields (address, command, length, data, checksum),
terminator, checksum kind, key codes, reply frames — or *literal*: the exact bytes each key sends, as
learning mode records them from a keypad whose layout nobody wrote down. See protocols/govhall-1.toml for
every key a structured description may hold."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from drivers.core.errors import ConfigError
from drivers.keypad.checksums import CHECKSUMS

PROTOCOLS_DIR = Path(__file__).with_name("protocols")
FIELDS = ("address", "command", "length", "data", "checksum")
ACTIONS = ("next", "recall", "call_specific", "pause", "resume", "pause_toggle", "hold", "transfer", "evaluate",
           "query", "digit", "enter", "clear")
ARGUMENTS = ("ticket", "u16be", "digit")  # how a key frame's data (after the sequence number) is read
COMPOSED = ("window", "ticket")  # a prefix key, digits, then enter (keypads that send single keys)
_REPLY_FIELD = re.compile(r"^(seq|flags|waiting|current)(?::(u8|u16be|ascii\d*))?$")
_REPLY_DEFAULT = {"seq": "u8", "flags": "u8", "waiting": "u16be", "current": "ascii"}


@dataclass(frozen=True)
class Description:
    name: str
    title: str = ""
    header: bytes = b""
    terminator: bytes = b""
    fields: tuple[str, ...] = ()
    max_data: int = 32
    checksum: str = "none"
    checksum_from: str = "address"  # first field the checksum covers; it runs up to the checksum
    sequence: bool = False  # key frames carry a sequence number (data[0]): a retransmission is not a new press
    data_length: dict[int, int] = field(default_factory=dict)  # per command, when there is no length field
    keys: dict[int, str] = field(default_factory=dict)  # command byte → action ("digit:7" for a digit key)
    arguments: dict[str, str] = field(default_factory=dict)  # action → how its data is read
    compose: dict[str, str] = field(default_factory=dict)  # action → what the digits after it mean
    reply_command: int | None = None
    reply_fields: tuple[tuple[str, str], ...] = ()
    nak_command: int | None = None
    literal: dict[bytes, str] = field(default_factory=dict)  # exact frame → action (learned keypads)
    address: int = 1  # the keypad address a literal description reports
    source: str = ""

    @property
    def is_literal(self) -> bool:
        return bool(self.literal)

    def command_for(self, action: str) -> int | None:
        return next((cmd for cmd, a in self.keys.items() if a == action), None)


def _hex(value, where: str) -> bytes:
    try:
        return bytes.fromhex(str(value))
    except ValueError:
        raise ConfigError(f"{where}: {value!r} is not hex bytes", device="keypad") from None


def _byte(value, where: str) -> int:
    raw = _hex(value, where)
    if len(raw) != 1:
        raise ConfigError(f"{where}: {value!r} must be one byte", device="keypad")
    return raw[0]


def _action(value, where: str) -> str:
    action = str(value)
    base, _, digit = action.partition(":")
    if base not in ACTIONS or (digit and not (base == "digit" and digit.isdigit() and len(digit) == 1)):
        raise ConfigError(f"{where}: unknown action {action!r}; known: {', '.join(ACTIONS)} (digit:0 … digit:9)",
                          device="keypad")
    return action


def parse_description(data: dict, source: str = "") -> Description:
    where = source or str(data.get("name", "keypad description"))
    name = str(data.get("name") or "").strip()
    if not name:
        raise ConfigError(f"{where}: a keypad description needs a name", device="keypad")
    if "literal" in data:
        literal = {_hex(k, f"{where} [literal]"): _action(v, f"{where} [literal]")
                   for k, v in data["literal"].items()}
        if not literal or any(not k for k in literal):
            raise ConfigError(f"{where}: [literal] needs at least one non-empty frame", device="keypad")
        compose = {str(k): str(v) for k, v in (data.get("compose") or {}).items()}
        if any(v not in COMPOSED for v in compose.values()):
            raise ConfigError(f"{where}: [compose] takes {COMPOSED}", device="keypad")
        return Description(name=name, title=str(data.get("title", "")), literal=literal, compose=compose,
                           address=int(data.get("address", 1)), source=source)
    frame = data.get("frame") or {}
    fields = tuple(frame.get("fields", ()))
    if any(f not in FIELDS for f in fields) or len(set(fields)) != len(fields) or not {"command", "checksum"} <= set(fields):
        raise ConfigError(f"{where}: [frame] fields must hold command and checksum, from {FIELDS}", device="keypad")
    if "data" in fields and "length" not in fields and fields.index("command") > fields.index("data"):
        raise ConfigError(f"{where}: without a length field the command must come before the data",
                          device="keypad")
    kind = str(frame.get("checksum", "none"))
    if kind not in CHECKSUMS:
        raise ConfigError(f"{where}: checksum {kind!r} unknown; known: {sorted(CHECKSUMS)}", device="keypad")
    start = str(frame.get("checksum_from", "address" if "address" in fields else "command"))
    if start != "header" and (start not in fields or fields.index(start) > fields.index("checksum")):
        raise ConfigError(f"{where}: checksum_from must be header or a field before the checksum", device="keypad")
    header = _hex(frame.get("header", ""), f"{where} header")
    if not header:
        raise ConfigError(f"{where}: [frame] header must not be empty (the parser resynchronises on it)",
                          device="keypad")
    keys = {_byte(k, f"{where} [keys]"): _action(v, f"{where} [keys]") for k, v in (data.get("keys") or {}).items()}
    arguments = {str(k): str(v) for k, v in (data.get("arguments") or {}).items()}
    compose = {str(k): str(v) for k, v in (data.get("compose") or {}).items()}
    if any(v not in ARGUMENTS for v in arguments.values()) or any(v not in COMPOSED for v in compose.values()):
        raise ConfigError(f"{where}: [arguments] take {ARGUMENTS}, [compose] takes {COMPOSED}", device="keypad")
    reply = data.get("reply") or {}
    reply_fields = []
    for spec in reply.get("fields", ()):
        m = _REPLY_FIELD.match(str(spec))
        if not m:
            raise ConfigError(f"{where}: reply field {spec!r} unknown (seq, flags, waiting[:u8|u16be], "
                              f"current[:asciiN])", device="keypad")
        reply_fields.append((m[1], m[2] or _REPLY_DEFAULT[m[1]]))
    nak = data.get("nak") or {}
    return Description(
        name=name, title=str(data.get("title", "")), header=header,
        terminator=_hex(frame.get("terminator", ""), f"{where} terminator"), fields=fields,
        max_data=int(frame.get("max_data", 32)), checksum=kind, checksum_from=start,
        sequence=bool(frame.get("sequence", False)),
        data_length={_byte(k, f"{where} data_length"): int(v) for k, v in (frame.get("data_length") or {}).items()},
        keys=keys, arguments=arguments, compose=compose,
        reply_command=_byte(reply["command"], f"{where} [reply]") if "command" in reply else None,
        reply_fields=tuple(reply_fields),
        nak_command=_byte(nak["command"], f"{where} [nak]") if "command" in nak else None, source=source)


def shipped() -> list[str]:
    return sorted(p.stem for p in PROTOCOLS_DIR.glob("*.toml"))


def load_description(name_or_path: str | Path) -> Description:
    """A shipped description by name ("govhall-1"), or a description file by path."""
    text = str(name_or_path or "govhall-1")
    path = Path(text) if text.endswith(".toml") else PROTOCOLS_DIR / f"{text}.toml"
    if not path.is_file():
        raise ConfigError(f"unknown keypad protocol {text!r}; shipped: {shipped()} (or a .toml file path)",
                          device="keypad")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}", device="keypad", path=str(path)) from exc
    return parse_description(data, str(path))


def literal_toml(name: str, title: str, frames: dict[bytes, str], address: int = 1,
                 compose: dict[str, str] | None = None) -> str:
    """The TOML text of a literal description (what learning mode saves)."""
    lines = ["# Written by the GovHall client's keypad learning mode: the exact bytes each key sent.",
             f"name = {_q(name)}", f"title = {_q(title)}", f"address = {int(address)}", ""]
    if compose:
        lines += ["[compose]"] + [f"{k} = {_q(v)}" for k, v in compose.items()] + [""]
    lines += ["[literal]"] + [f"{_q(frame.hex(' ').upper())} = {_q(action)}" for frame, action in frames.items()]
    return "\n".join(lines) + "\n"


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
