"""The hall controller's config: the `[kiosk]` section every kiosk has (server, device id and token, hall,
cache) and one `[card-NAME]` section per LED control card — which window it stands over (or the hall
strip), its protocol, its bus address and its transport (a serial/RS-485 `port`, or `host` + `tcp_port`)::

    [card-w3]
    role = "window"          # window | strip
    window = 3
    protocol = "bx"          # Onbon BX-5/6 (drivers/display/bx.py)
    # address = 3            # a window card's bus address comes from the admin (窗口 → LED屏地址), by sync;
                             # written here it is only used until the admin has set one
    port = "/dev/ttyUSB0"    # RS-485 bus shared by many cards, or socket://10.0.0.53:5005
    # host = "10.0.0.53"     # a networked card instead of `port`
    # tcp_port = 5005
    width = 64               # pixels
    height = 32

    [card-strip]
    role = "strip"
    protocol = "bx"
    address = 200
    port = "/dev/ttyUSB0"
    width = 192
    height = 16
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from drivers.config import DeviceSettings, load_config, serial_url
from drivers.core.errors import ConfigError
from kiosk.config import KioskConfig
from kiosk.config import load as load_kiosk

CARD_PREFIX = "card-"
PROTOCOLS = ("bx",)
ROLES = ("window", "strip")


@dataclass(frozen=True)
class Card:
    name: str            # the section name without the prefix: what faults and logs call it
    role: str            # window | strip
    window: int | None   # the window number it stands over (role window)
    protocol: str
    address: int | None  # None: a window card waiting for the address the admin sets (shared.org_rows)
    settings: DeviceSettings  # port/host/tcp_port, baudrate, timeout, width, height, escape, encoding

    @property
    def url(self) -> str:
        return serial_url(self.settings)


@dataclass
class ControllerConfig:
    kiosk: KioskConfig
    cards: list[Card] = field(default_factory=list)
    keepalive: float = 10.0  # seconds between re-sends of an unchanged screen (finds a card that vanished)
    retry: float = 2.0       # seconds between attempts at an unreachable card


def card_of(name: str, settings: DeviceSettings) -> Card:
    """One card section, checked: every mistake names its card and key."""
    o = settings.options

    def fail(key: str, why: str) -> ConfigError:
        return ConfigError(f"[{CARD_PREFIX}{name}] {key}: {why}", code="led_card_invalid", device="led",
                           card=name, key=key)

    role = str(o.get("role", "window"))
    if role not in ROLES:
        raise fail("role", f"must be one of {', '.join(ROLES)}")
    protocol = str(o.get("protocol", "bx")).lower()
    if protocol not in PROTOCOLS:
        raise ConfigError(f"[{CARD_PREFIX}{name}] protocol {protocol!r} is not supported ({', '.join(PROTOCOLS)})",
                          code="led_protocol_unknown", device="led", card=name, protocol=protocol)
    window = o.get("window")
    if role == "window":
        if not isinstance(window, int) or isinstance(window, bool) or window < 1:
            raise fail("window", "a window card needs its window number")
    else:
        window = None
    address: int | None = None
    if "address" in o or role != "window":
        address = settings.get_int("address", 1)
        if not 0 <= address <= 0xFFFE:
            raise fail("address", "must be 0…65534")
    card = Card(name, role, window, protocol, address, DeviceSettings(
        device="led", port=settings.port, baudrate=settings.baudrate, timeout=float(o.get("timeout", 0.5)),
        codec=settings.codec, encoding=settings.encoding, options=dict(o)))
    card.url  # noqa: B018  (raises a ConfigError naming the section when neither port nor host is given)
    return card


def load(path: str | Path, server: str | None = None) -> ControllerConfig:
    kiosk = load_kiosk(path, "controller", server)
    cards = [card_of(name.removeprefix(CARD_PREFIX), s) for name, s in load_config(path).items()
             if name.startswith(CARD_PREFIX)]
    if not cards:
        raise ConfigError(f"{path}: no [{CARD_PREFIX}NAME] section: the controller has no LED card to drive",
                          code="led_cards_missing", device="led")
    windows = [c.window for c in cards if c.window is not None]
    if len(windows) != len(set(windows)):
        raise ConfigError(f"{path}: two cards name the same window", code="led_card_invalid", device="led")
    extra = load_config(path).get("controller")
    config = ControllerConfig(kiosk, cards)
    if extra is not None:
        config.keepalive = float(extra.get("keepalive", config.keepalive))
        config.retry = float(extra.get("retry", config.retry))
    return config
