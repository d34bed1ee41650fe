"""The three modes against the real queue handlers on a live server: a ticket printed at the dispenser is
called, served and finished by a counter; the hall display shows and announces the call once; the window's
evaluator asks for a rating, which becomes a `queue_rating` row on the server."""

from __future__ import annotations

import datetime as dt
import uuid

import requests
from sqlalchemy import select

from gui.ops import Ops
from gui.qt import Qt
from drivers.qt.tts import AnnouncerAdapter
from kiosk.display import DisplayWindow
from kiosk.evaluator import EvaluatorWindow
from kiosk.flow.evaluator import Step as EStep
from kiosk.services.issuing import TicketDesk
from kiosk.services.rating import RatingDesk
from kiosk.services.reference import load_directory
from server.queue.models import QueueRating
from shared.queue.clock import CHINA_TZ
from shared.queue.printing import PrintState
from shared.queue.ratings import RatingLevel
from shared.queue.tickets import Channel
from shared.sync.client import SyncClient
from tests.clock import TickingClock
from tests.kiosk.conftest import ticket_key, MONDAY_10, Network, make_device
from tests.kiosk.test_display import Voice


def counter(hall, cache_path, window_index: int) -> SyncClient:  # noqa: ANN001
    """A clerk's workstation at a window (logged in: calls need the clerk role)."""
    from shared.db.cache import open_cache
    from tests.sync.support import new_device
    db, url, hall_id, windows = hall
    device_id, token = new_device(db, "workstation", hall_id, windows[window_index])
    login = {"username": "clerk", "password": "GovHall@2026", "device_id": device_id}
    staff = requests.post(f"{url}/api/v1/auth/login", json=login, timeout=10).json()["token"]
    return SyncClient(open_cache(cache_path, immediate=True), device_id=device_id, token=token,
                      transport=Network(url), staff_token=staff)


def issued_ticket(hall, cache) -> str:  # noqa: ANN001
    """An A ticket issued by a dispenser on Monday (MONDAY_10) at 10:00 and confirmed by the server: its id."""
    return issued_tickets(hall, cache, 1)[0]


def issued_tickets(hall, cache, count: int) -> list[str]:  # noqa: ANN001
    """`count` A tickets (A001, A002, …) issued by one dispenser at MONDAY_10, confirmed by the server."""
    dispenser_sync, _ = make_device(hall, cache, "dispenser")
    directory = load_directory(cache)
    desk = TicketDesk(dispenser_sync, directory, ticket_key=ticket_key(directory.hall_id), now=lambda: MONDAY_10)
    desk.track_today()
    dispenser_sync.sync_once()
    a = next(e.business.id for e in desk.directory.entries if e.business.prefix == "A")
    ids = []
    for _ in range(count):
        prepared = desk.issue(a, Channel.DISPENSER)
        desk.settle(prepared, PrintState.PRINTED)  # as after the printer confirmed the ticket
        ids.append(prepared.ticket.id)
    dispenser_sync.sync_once()
    assert all(dispenser_sync.confirmed("queue_ticket")[i]["state"] == "waiting" for i in ids)
    return ids


def after_issue() -> TickingClock:
    """The hall's time once the tickets are out: a minute after MONDAY_10, advancing."""
    return TickingClock(MONDAY_10 + dt.timedelta(minutes=1))


def test_issue_call_display_finish_rate(qtbot, hall, cache, tmp_path, screenshot) -> None:  # noqa: ANN001
    db, _, _, windows = hall
    ticket_id = issued_ticket(hall, cache)
    clock = after_issue()

    clerk = counter(hall, tmp_path / "counter.sqlite3", 2)  # window 3
    clerk.sync_once()
    at = clock()
    clerk.submit("queue.call", 1, {"call_id": str(uuid.uuid4()), "ticket_id": ticket_id,
                                   "window_id": windows[2],
                                   "mode": "next", "at": at.isoformat()})
    clerk.sync_once()
    assert clerk.rejected() == []

    from shared.db.cache import open_cache
    display_sync, _ = make_device(hall, open_cache(tmp_path / "display.sqlite3", immediate=True), "display")
    display_sync.sync_once()
    voice, ops = Voice(), Ops()
    announcer = AnnouncerAdapter(voice)
    board = DisplayWindow(ops, display_sync, load_directory(cache), announcer, repeat=0,
                          now=clock)
    qtbot.addWidget(board)
    board.resize(1920, 1080)
    board.show()
    qtbot.waitUntil(lambda: voice.spoken == ["请A零零一号到三号窗口办理"], timeout=5000)
    assert board.board.cells[3].ticket.text() == "A001"
    display_sync.sync_once()  # a later pull (reconnect) changes nothing
    qtbot.wait(400)
    assert voice.spoken == ["请A零零一号到三号窗口办理"]
    board.close()

    for name in ("queue.start", "queue.finish"):
        clerk.submit(name, 1, {"ticket_id": ticket_id, "window_id": windows[2],
                               "at": (clock() + dt.timedelta(seconds=1)).isoformat()})
    clerk.sync_once()
    assert clerk.rejected() == []

    evaluator_sync, _ = make_device(hall, open_cache(tmp_path / "evaluator.sqlite3", immediate=True),
                                    "evaluator", 2)
    evaluator_sync.sync_once()
    rating_desk = RatingDesk(evaluator_sync, load_directory(cache), windows[2],
                             now=lambda: clock() + dt.timedelta(seconds=5))
    evaluator = EvaluatorWindow(ops, rating_desk, poll_ms=100)
    qtbot.addWidget(evaluator)
    evaluator.resize(1280, 800)
    evaluator.show()
    qtbot.waitUntil(lambda: evaluator.flow.step is EStep.ASK, timeout=5000)
    qtbot.mouseClick(evaluator.ask.buttons[RatingLevel.VERY_SATISFIED], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: evaluator_sync.status().pending == 1, timeout=3000)
    evaluator_sync.sync_once()
    assert evaluator_sync.rejected() == []
    with db.session() as session:
        rows = list(session.scalars(select(QueueRating)))
    assert [(r.ticket_id, r.level, r.clerk) for r in rows] == [(ticket_id, "very_satisfied", "clerk")]
    assert any(r["ticket_id"] == ticket_id for r in evaluator_sync.confirmed("queue_rating").values())
    evaluator.close()
    ops.wait()
    announcer.close()
