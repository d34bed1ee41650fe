"""Device settings from a config file (TOML, or INI with the same section and key names).

One section per device, e.g.::

    [idcard]
    port = "/dev/ttyUSB0"      # or a pty path such as /dev/pts/7, or socket://127.0.0.1:9300
    baudrate = 115200

    [printer]
    transport = "network"      # serial | usb | network | file
    host = "192.168.1.50"
    port = 9100
    encoding = "gb18030"

Ports are taken literally: pty paths are never listed by port discovery, so an explicit path must work.
"""

from __future__ import annotations

import configparser
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drivers.core.errors import ConfigError

DEVICE_CLASSES = ("idcard", "pcsc", "scanner", "camera", "printer", "keypad", "led", "tts")

_DEFAULT_BAUD = {"idcard": 115200, "scanner": 9600, "keypad": 9600, "led": 57600, "printer": 9600}


@dataclass(frozen=True)
class DeviceSettings:
    """Settings of one device. `options` keeps every key of the section (typed where TOML typed it)."""

    device: str
    port: str = ""
    baudrate: int = 9600
    timeout: float = 2.0
    codec: str = ""
    encoding: str = ""
    options: dict[str, Any] = field(default_factory=dict)

    def get(self, key: str, default: Any = None) -> Any:
        return self.options.get(key, default)

    def get_int(self, key: str, default: int) -> int:
        try:
            return int(self.options.get(key, default))
        except (TypeError, ValueError):
            raise ConfigError(f"[{self.device}] {key} must be an integer", device=self.device,
                              key=key) from None


def settings_from_mapping(device: str, section: dict[str, Any]) -> DeviceSettings:
    try:
        baud = int(section.get("baudrate", _DEFAULT_BAUD.get(device, 9600)))
        timeout = float(section.get("timeout", 2.0))
    except (TypeError, ValueError):
        raise ConfigError(f"[{device}] baudrate/timeout must be numbers", device=device) from None
    port = section.get("port", "")
    return DeviceSettings(device=device, port=str(port), baudrate=baud, timeout=timeout,
                          codec=str(section.get("codec", "")), encoding=str(section.get("encoding", "")),
                          options=dict(section))


def load_config(path: str | Path) -> dict[str, DeviceSettings]:
    """Read every device section of a .toml or .ini file. Unknown sections are kept too (vendor extras)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read device config {path}: {exc}", path=str(path)) from exc
    sections: dict[str, dict[str, Any]]
    if path.suffix.lower() == ".toml":
        try:
            sections = {k: v for k, v in tomllib.loads(text).items() if isinstance(v, dict)}
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: {exc}", path=str(path)) from exc
    else:
        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read_string(text, source=str(path))
        except configparser.Error as exc:
            raise ConfigError(f"{path}: {exc}", path=str(path)) from exc
        sections = {name: dict(parser[name]) for name in parser.sections()}
    return {name: settings_from_mapping(name, values) for name, values in sections.items()}


def device_settings(config: dict[str, DeviceSettings], device: str) -> DeviceSettings:
    try:
        settings = config[device]
    except KeyError:
        raise ConfigError(f"no [{device}] section in the device config", device=device) from None
    return settings


def serial_url(settings: DeviceSettings) -> str:
    """The pyserial URL for a serial-like device: `port` as given, or `host`+`tcp_port` as socket://."""
    if settings.port and not str(settings.port).isdigit():
        return settings.port
    host = settings.get("host")
    tcp_port = settings.get("tcp_port", settings.port)
    if host and tcp_port:
        return f"socket://{host}:{int(tcp_port)}"
    raise ConfigError(f"[{settings.device}] needs `port` (path or URL) or `host` and `tcp_port`",
                      device=settings.device)
