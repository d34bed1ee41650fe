"""The counter as `python -m client` builds it after login (client.app.open_main): a CALL_NEXT press on the
keypad simulator reaches the server at once, although the sync loop's timer would wait an hour and no event
wakes it — online 顺呼 pushes its own command and waits for the server's answer (SyncClient.push_now); other
writes wake the loop (SyncClient.on_queued)."""

from __future__ import annotations

import functools

from sqlalchemy import select

from client.app import open_main
from client.services.context import build_services
from client.services.workstation import Workstation
from drivers.config import settings_from_mapping
from drivers.keypad.codec import Key
from drivers.sim.host import SimHost
from drivers.sim.keypad import KeypadSimulator
from gui.ops import Ops
from server.queue.models import QueueTicket
from shared.sync import loop as sync_loop
from tests.client.support import Clock, make_cache
from tests.gui.test_calling_live import Http
from tests.gui.test_workstation_sync import PII_KEYS, _clerk
from tests.queue_server.support import START, QueueHall


def test_a_keypad_call_is_pushed_at_once(qtbot, server_url, sqlite_database, tmp_path,  # noqa: ANN001
                                         monkeypatch) -> None:
    for name, value in PII_KEYS.items():
        monkeypatch.setenv(name, value)
    hall = QueueHall(sqlite_database, Http(server_url), Clock(START))
    first, result = hall.issue(hall.device("dispenser", staff=None), "A", minutes=-20)
    assert result["status"] == "accepted", result
    counter = hall.device("workstation", 2, staff=None)  # window 2 serves business A
    pad = KeypadSimulator(address=1)
    pad_host = SimHost(pad, kind="tcp").start()
    keypad = settings_from_mapping("keypad", {"host": "127.0.0.1", "tcp_port": pad_host.tcp_port})
    ws = Workstation(tmp_path, server_url=server_url, window_number=2, device_id=counter.id,
                     device_token=counter.token, devices={"keypad": keypad})
    services = build_services(ws, _clerk(server_url, counter.id), make_cache(tmp_path / "cache.sqlite3"),
                              clock=Clock(START))
    # An hour between timed cycles and no events long-poll: only the counter's own push can reach the server.
    monkeypatch.setattr(sync_loop, "SyncLoop", functools.partial(sync_loop.SyncLoop, interval=3600, events=False))
    ops = Ops()
    window, devices, loop = open_main(services, ops)
    qtbot.addWidget(window)
    try:
        panel = window.workspace.calling
        qtbot.waitUntil(lambda: loop.cycles >= 1 and panel.snapshot is not None
                        and sum(panel.snapshot.waiting.values()) == 1, timeout=10000)
        pad.press(Key.CALL_NEXT)

        def called_on_server() -> bool:
            with sqlite_database.session() as s:
                return s.scalar(select(QueueTicket.state).where(QueueTicket.id == first)) == "called"
        qtbot.waitUntil(called_on_server, timeout=3000)  # not after the hour
        qtbot.waitUntil(lambda: services.sync.status().pending == 0)  # answered: nothing left to push
        qtbot.waitUntil(lambda: pad.lcd is not None and pad.lcd.current == "A001")
    finally:
        window.close()
        ops.wait()
        devices.stop()
        loop.stop()
        services.attachment_sync.stop()  # started with the loop by open_main
        pad_host.stop()
