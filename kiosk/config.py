"""Kiosk settings: a `[kiosk]` section in the same TOML/INI file as the device sections (drivers/config.py).

    [kiosk]
    server = "http://192.168.1.10:8765"
    device_id = "…"            # from POST /api/v1/sync/devices (an admin registers each kiosk)
    token = "…"
    hall = "DG-HALL-1"
    window = 3                 # evaluator: the window number it stands at
    cache = "/var/lib/govhall/kiosk.sqlite3"
    admin_pin = "2468"
    ticket_key = "…hex…"       # the hall's ticket key (matches appointments, one ticket per person; never
                               # the server's blind-index key: shared/crypto/ticket_key.py)
    follow_url = "https://hall.example.cn/m/q/{ticket}"  # the ticket's phone page (我的排队); unset: the
                               # server's own /m/q/{ticket} (shared/queue/follow.py)
    notice = "…"               # the display's scrolling text
    announce_repeat = 1        # extra times each call is spoken
    idle_seconds = 60
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from drivers.config import DeviceSettings, load_config
from shared.protocol.endpoint import DEFAULT_SERVER_URL
from shared.queue.follow import follow_template


def default_cache(mode: str) -> Path:
    base = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
    return base / "govhall" / f"kiosk-{mode}.sqlite3"


@dataclass
class KioskConfig:
    mode: str = "dispenser"
    server: str = DEFAULT_SERVER_URL
    server_ca: Path | None = None  # the hall CA the server's TLS certificate must chain to
    device_id: str = ""
    token: str = ""
    hall: str = ""
    window: int = 0
    cache: Path | None = None
    admin_pin: str = "2468"
    ticket_key: bytes | None = None
    follow_url: str = ""
    notice: str = ""
    announce_repeat: int = 1
    devices: dict[str, DeviceSettings] = field(default_factory=dict)

    @property
    def cache_path(self) -> Path:
        return self.cache or default_cache(self.mode)


def load(path: str | Path | None, mode: str, server: str | None = None) -> KioskConfig:
    config = KioskConfig(mode=mode)
    if path:
        sections = load_config(path)
        kiosk = sections.pop("kiosk", None)
        config.devices = sections
        if kiosk is not None:
            o = kiosk.options
            config.server = str(o.get("server", config.server))
            config.server_ca = Path(str(o["server_ca"])).expanduser() if o.get("server_ca") else None
            config.device_id, config.token = str(o.get("device_id", "")), str(o.get("token", ""))
            config.hall, config.window = str(o.get("hall", "")), int(o.get("window", 0) or 0)
            config.cache = Path(str(o["cache"])).expanduser() if o.get("cache") else None
            config.admin_pin = str(o.get("admin_pin", config.admin_pin))
            key = str(o.get("ticket_key", ""))
            config.ticket_key = bytes.fromhex(key) if key else None
            if o.get("person_index_key"):  # the server's own key, once written here: no longer read
                logging.getLogger("govhall.kiosk").warning(
                    "%s: person_index_key is no longer used (it is the server's key): provision this dispenser "
                    "again to get its hall's ticket_key, and delete the old file", path)
            config.follow_url, config.notice = str(o.get("follow_url", "")), str(o.get("notice", ""))
            config.announce_repeat = int(o.get("announce_repeat", 1))
    if server:
        config.server = server
    if not config.follow_url and config.mode == "dispenser":  # older files: the server's own phone page
        config.follow_url = follow_template(config.server)
    return config
