"""The hall display across a server restart: a real `python -m server serve` process is stopped while the
display runs its background sync loop; the board keeps what it knows under the offline banner, and once the
server is back on the same port the display reconnects and shows (and announces) the next call."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pytest

from gui.ops import Ops
from drivers.qt.tts import AnnouncerAdapter
from kiosk.display import DisplayWindow
from kiosk.services.reference import load_directory
from shared.db.cache import open_cache
from shared.sync.client import SyncClient
from shared.sync.loop import SyncLoop
from shared.sync.transport import HttpTransport
from tests.clock import TickingClock
from tests.kiosk.conftest import MONDAY_10
from tests.kiosk.test_display import Voice
from tests.kiosk.test_end_to_end import counter, issued_tickets
from tests.sync.support import demo_hall, new_device
from tests.sync.test_kill_loopback import free_port, start_server

pytestmark = pytest.mark.slow


def call(clerk: SyncClient, ticket_id: str, window_id: int, at: dt.datetime) -> None:
    clerk.submit("queue.call", 1, {"call_id": str(uuid.uuid4()), "ticket_id": ticket_id, "window_id": window_id,
                                   "mode": "specific", "at": at.isoformat()})
    clerk.sync_once()
    assert clerk.rejected() == []


def test_display_survives_a_server_restart(qtbot, sqlite_database, cache, tmp_path: Path) -> None:  # noqa: ANN001
    db_file = Path(str(sqlite_database.engine.url.database))
    hall_id, windows = demo_hall(sqlite_database)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    clock = TickingClock(MONDAY_10)  # the hall's Monday, for the server child, the counter and the board
    server = start_server(db_file, port, at=clock())
    loop = None
    try:
        hall = (sqlite_database, url, hall_id, windows)
        first, second = issued_tickets(hall, cache, 2)
        clerk = counter(hall, tmp_path / "counter.sqlite3", 2)  # window 3
        clerk.sync_once()
        device_id, token = new_device(sqlite_database, "display", hall_id)
        sync = SyncClient(open_cache(tmp_path / "display.sqlite3", immediate=True), device_id=device_id,
                          token=token, transport=HttpTransport(url), timeout=2)
        loop = SyncLoop(sync, interval=0.5, poll_timeout=2)
        voice, ops = Voice(), Ops()
        announcer = AnnouncerAdapter(voice)
        board = DisplayWindow(ops, sync, load_directory(cache), announcer, repeat=0, now=clock)
        qtbot.addWidget(board)
        board.resize(1920, 1080)
        board.show()
        loop.start()
        call(clerk, first, windows[2], clock())
        qtbot.waitUntil(lambda: board.board.cells[3].ticket.text() == "A001", timeout=10_000)
        qtbot.waitUntil(lambda: voice.spoken == ["请A零零一号到三号窗口办理"], timeout=5000)

        server.terminate()
        server.wait(10)
        qtbot.waitUntil(lambda: board.banner.isVisible() and board.banner.text().startswith("离线运行中"),
                        timeout=15_000)
        assert board.board.cells[3].ticket.text() == "A001"  # what it knows stays on the board
        qtbot.wait(500)
        assert voice.spoken == ["请A零零一号到三号窗口办理"]

        server = start_server(db_file, port, at=clock())  # the same address: the display reconnects by itself
        for name in ("queue.start", "queue.finish"):
            clerk.submit(name, 1, {"ticket_id": first, "window_id": windows[2],
                                   "at": clock().isoformat()})
        clerk.sync_once()
        call(clerk, second, windows[2], clock())
        qtbot.waitUntil(lambda: board.board.cells[3].ticket.text() == "A002", timeout=30_000)
        qtbot.waitUntil(lambda: voice.spoken == ["请A零零一号到三号窗口办理", "请A零零二号到三号窗口办理"],
                        timeout=5000)
        qtbot.waitUntil(lambda: not board.banner.isVisible(), timeout=10_000)
        board.close()
        ops.wait()
        announcer.close()
    finally:
        if loop is not None:
            loop.stop()
        server.terminate()
        server.wait(10)
