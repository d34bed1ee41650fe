"""Kiosk windows for layout tests: the demo hall's reference data in one cache per module, an offline sync
client (no server: the layouts do not depend on it), and the clock pinned to a working Monday morning."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy.orm import Session

from shared.db.cache import open_cache
from shared.demo.loader import load_demo
from shared.queue.clock import CHINA_TZ
from shared.sync.client import SyncClient
from shared.sync.transport import TransportError

MONDAY_10 = dt.datetime(2026, 11, 23, 10, 0, tzinfo=CHINA_TZ)
INDEX_KEY = bytes(range(16))


class Unplugged:
    """A transport whose cable is out: every request fails, as on a kiosk that has not reached its server."""

    def request(self, method, path, **kwargs):  # noqa: ANN001, ANN003, ANN201
        raise TransportError("network unreachable")


def demo_cache(folder: Path):  # noqa: ANN201
    engine = open_cache(folder / "kiosk.sqlite3", synchronous_full=True, immediate=True)
    with Session(engine) as session:
        load_demo(session, password_iterations=1000)
        session.commit()
    return engine


def offline_sync(engine, kind: str) -> SyncClient:  # noqa: ANN001
    return SyncClient(engine, device_id=f"{kind}-layout-0000", token="t", transport=Unplugged(), timeout=1)
