"""Kiosk tests: a demo hall in the kiosk's local cache, a real server on loopback with registered devices,
a switchable network, simulators for the devices, and screenshots (gitignored tests/screenshots/kiosk/)."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from shared.db.cache import open_cache
from shared.demo.loader import load_demo
from shared.queue.clock import CHINA_TZ
from shared.sync.client import SyncClient
from shared.sync.transport import HttpTransport, TransportError
from tests.clock import TickingClock
from tests.sync.support import demo_hall, new_device

SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots" / "kiosk"
INDEX_KEY = bytes(range(16))  # the server's blind-index key in these tests (it never reaches a kiosk)


def ticket_key(hall_id: int) -> bytes:
    """The ticket key a dispenser of this hall is provisioned with when the server's index key is INDEX_KEY."""
    from shared.crypto.keys import StaticKeyProvider
    from shared.crypto.ticket_key import derive_ticket_key
    return derive_ticket_key(StaticKeyProvider({"t1": bytes(16)}, "t1", INDEX_KEY), hall_id)
MONDAY_10 = dt.datetime(2026, 11, 23, 10, 0, tzinfo=CHINA_TZ)


@pytest.fixture(scope="session", autouse=True)
def chinese_font(qapp):  # noqa: ANN001
    from gui.fonts import apply_chinese_font
    return apply_chinese_font(qapp)


# Real resolutions: the 32" dispenser stands in portrait; the evaluator is a 10" tablet.
RESOLUTION = {"dispenser": (1080, 1920), "evaluator": (1280, 800), "display": (1920, 1080)}


@pytest.fixture
def screenshot():
    """screenshot(widget, "dispenser/home") → the saved PNG's path; fails if the screen outgrew its panel."""
    def save(widget, name: str) -> Path:  # noqa: ANN001
        path = SCREENSHOTS / f"{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        widget.repaint()
        image = widget.grab()
        expected = RESOLUTION[name.split("/")[0]]
        assert (image.width(), image.height()) == expected, f"{name}: {image.width()}x{image.height()}"
        assert image.save(str(path), "PNG"), f"could not save {path}"
        return path
    return save


@pytest.fixture(scope="session")
def cache_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("kiosk-cache") / "cache.sqlite3"
    engine = open_cache(path)
    with Session(engine) as session:
        load_demo(session, password_iterations=1000)
        session.commit()
    engine.dispose()
    return path


@pytest.fixture
def cache(tmp_path: Path, cache_template: Path):  # noqa: ANN201
    """A kiosk cache already holding the demo hall's reference data (what sync fills in production)."""
    path = tmp_path / "kiosk.sqlite3"
    shutil.copyfile(cache_template, path)
    engine = open_cache(path, synchronous_full=True, immediate=True)
    yield engine
    engine.dispose()


class Network:
    """The kiosk's HTTP transport with a switch: `down = True` is a pulled cable."""

    def __init__(self, url: str) -> None:
        self.http, self.down = HttpTransport(url), False

    def request(self, method, path, **kwargs):  # noqa: ANN001, ANN201
        if self.down:
            raise TransportError("network unreachable")
        return self.http.request(method, path, **kwargs)


@pytest.fixture
def hall(sqlite_database, server_url):  # noqa: ANN001, ANN201
    """(database, url, hall id, window ids) of a live demo server."""
    hall_id, windows = demo_hall(sqlite_database)
    return sqlite_database, server_url, hall_id, windows


def make_device(hall, cache, kind: str, window_index: int | None = None) -> tuple[SyncClient,  # noqa: ANN001
                                                                                  Network]:
    db, url, hall_id, windows = hall
    window_id = windows[window_index] if window_index is not None else None
    device_id, token = new_device(db, kind, hall_id, window_id)
    network = Network(url)
    return SyncClient(cache, device_id=device_id, token=token, transport=network, timeout=5), network


@pytest.fixture
def server_clock() -> TickingClock:
    """The live server lives on the kiosk tests' Monday too, from 10:00 on (bookings, lead times, sweeps)."""
    return TickingClock(MONDAY_10)


@pytest.fixture
def now() -> Iterator[list[dt.datetime]]:
    """A settable clock for the kiosk: now[0]."""
    yield [MONDAY_10]
