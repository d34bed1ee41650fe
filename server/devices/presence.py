"""What each device last said about itself when it pulled: its app version and how many commands wait in its
outbox (headers of the pull, named in shared/protocol/device_health.py), kept in memory: a server restart
forgets it until the next pull, seconds later. Pushes persist `last_seen_at` on the device's credential."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Mapping
from dataclasses import dataclass

from shared.protocol.device_health import APP_VERSION_HEADER, OUTBOX_HEADER



@dataclass(frozen=True)
class Seen:
    at: dt.datetime
    app_version: str
    outbox_pending: int | None


class Presence:
    def __init__(self) -> None:
        self._seen: dict[str, Seen] = {}
        self._lock = threading.Lock()

    def note(self, device_id: str, headers: Mapping[str, str], now: dt.datetime) -> None:
        pending = headers.get(OUTBOX_HEADER, "")
        seen = Seen(now, headers.get(APP_VERSION_HEADER, "")[:30],
                    int(pending) if pending.isdigit() else None)
        with self._lock:
            self._seen[device_id] = seen

    def get(self, device_id: str) -> Seen | None:
        with self._lock:
            return self._seen.get(device_id)
