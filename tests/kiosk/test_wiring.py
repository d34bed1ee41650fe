"""The dispenser as `python -m kiosk` builds it (kiosk.app.Kiosk): a tap is pushed at once by the write
itself, and a ticket is never unknown to the server — power lost between taking the number and printing
leaves a "printing" ticket the server learns of and a window may call; none lost, none duplicated."""

from __future__ import annotations

import functools
import shutil
import uuid

import pytest
from sqlalchemy import select

from drivers.config import settings_from_mapping
from drivers.sim.host import SimHost
from drivers.sim.printer import PrinterSimulator
from gui.qt import Qt
from kiosk.app import Kiosk
from kiosk.config import KioskConfig
from kiosk.flow.dispenser import Step
from kiosk.services.issuing import TicketDesk
from kiosk.services.reference import load_directory
from server.queue.models import QueueTicket
from shared.queue.printing import PrintState
from shared.queue.tickets import Channel
from shared.simulated_clock import SimulatedClock
from shared.sync import loop as sync_loop
from shared.sync.client import SyncClient
from shared.sync.tables import outbox
from tests.kiosk.conftest import INDEX_KEY, MONDAY_10, make_device
from tests.kiosk.test_end_to_end import counter
from tests.sync.support import new_device


def server_ticket(db, ticket_id: str) -> QueueTicket | None:  # noqa: ANN001
    with db.session() as s:
        row = s.get(QueueTicket, ticket_id)
        if row is not None:
            s.expunge(row)
        return row


def test_a_tap_is_pushed_at_once(qtbot, qapp, hall, cache_template, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    db, url, hall_id, _ = hall
    device_id, token = new_device(db, "dispenser", hall_id)
    shutil.copyfile(cache_template, tmp_path / "dispenser.sqlite3")
    sim = PrinterSimulator()
    host = SimHost(sim, kind="tcp").start()
    printer = settings_from_mapping("printer", {"transport": "network", "host": "127.0.0.1",
                                                "tcp_port": host.tcp_port})
    config = KioskConfig(mode="dispenser", server=url, device_id=device_id, token=token,
                         cache=tmp_path / "dispenser.sqlite3", devices={"printer": printer},
                         ticket_key=INDEX_KEY)
    # An hour between timed cycles and no events long-poll: only a local write can wake the loop.
    monkeypatch.setattr(sync_loop, "SyncLoop", functools.partial(sync_loop.SyncLoop, interval=3600, events=False))
    kiosk = Kiosk(config, qapp, clock=SimulatedClock(MONDAY_10))
    kiosk.start(windowed=True)
    try:
        window = kiosk.window
        qtbot.waitUntil(lambda: kiosk.loop.cycles >= 1 and window.ready(), timeout=10000)
        a = next(e.business.id for e in kiosk.directory.entries if e.business.prefix == "A")
        qtbot.mouseClick(window.home.tiles[a], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.flow.step is Step.ISSUED, timeout=5000)
        ticket_id = window.flow.prepared.ticket.id
        qtbot.waitUntil(lambda: (t := server_ticket(db, ticket_id)) is not None and t.print_state == "printed",
                        timeout=3000)  # not after the hour
        assert server_ticket(db, ticket_id).display == "A001"
    finally:
        kiosk.stop()
        host.stop()


class PowerLost(Exception):
    pass


def cut_power_at(point: str):  # noqa: ANN201
    def hook(at: str) -> None:
        if at == point:
            raise PowerLost(at)
    return hook


def test_power_lost_around_taking_a_number_loses_and_duplicates_no_ticket(hall, cache, now,  # noqa: ANN001
                                                                           tmp_path) -> None:
    db, _, _, windows = hall
    sync, network = make_device(hall, cache, "dispenser")
    directory = load_directory(cache)
    desk = TicketDesk(sync, directory, ticket_key=INDEX_KEY, now=lambda: now[0])
    desk.track_today()
    sync.sync_once()
    a = next(e.business.id for e in directory.entries if e.business.prefix == "A")

    # Power lost inside the transaction that takes the number: nothing taken, nothing queued, nothing printed.
    sync.crash = cut_power_at("dispenser.issue.before_commit")
    with pytest.raises(PowerLost):
        desk.issue(a, Channel.DISPENSER)
    with cache.connect() as conn:
        assert conn.execute(select(outbox.c.name).where(outbox.c.status == "pending")).all() == []
    assert sync.rows("queue_ticket") == {}

    # Power lost after it committed, while the printer prints (or not): the restarted kiosk pushes the ticket.
    sync.crash = lambda at: None
    lost = desk.issue(a, Channel.DISPENSER).ticket
    restarted = SyncClient(cache, device_id=sync.device_id, token=sync.token, transport=network)
    desk = TicketDesk(restarted, directory, ticket_key=INDEX_KEY, now=lambda: now[0])
    assert desk.abandon_failed() == 0  # "printing" is not "failed": the citizen may hold it
    restarted.sync_once()
    on_server = server_ticket(db, lost.id)
    assert (on_server.display, on_server.print_state, on_server.state) == ("A001", "printing", "waiting")

    # The next ticket takes the next number; a failed print is not callable, and cancelled when left behind.
    after = desk.issue(a, Channel.DISPENSER)
    desk.settle(after, PrintState.PRINTED)
    failed = desk.issue(a, Channel.DISPENSER)
    desk.settle(failed, PrintState.FAILED)
    restarted.sync_once()
    with db.session() as s:
        displays = sorted(s.scalars(select(QueueTicket.display)))
    assert displays == ["A001", "A002", "A003"]
    assert server_ticket(db, failed.ticket.id).print_state == "failed"

    # A counter may call the "printing" ticket (the citizen may hold it), not the failed one.
    clerk = counter(hall, tmp_path / "counter.sqlite3", 2)  # window 3 serves A
    clerk.sync_once()
    at = now[0].isoformat()
    for ticket_id in (failed.ticket.id, lost.id):
        clerk.submit("queue.call", 1, {"call_id": str(uuid.uuid4()), "ticket_id": ticket_id,
                                       "window_id": windows[2], "mode": "specific", "at": at})
    clerk.sync_once()
    assert [r.code for r in clerk.rejected()] == ["ticket_print_failed"]
    assert server_ticket(db, lost.id).state == "called"

    # Restarted again with the failure screen gone: the failed ticket nobody holds is cancelled.
    desk = TicketDesk(SyncClient(cache, device_id=sync.device_id, token=sync.token, transport=network),
                      directory, ticket_key=INDEX_KEY, now=lambda: now[0])
    assert desk.abandon_failed() == 1
    desk.sync.sync_once()
    assert server_ticket(db, failed.ticket.id).state == "cancelled"
    assert desk.abandon_failed() == 0
