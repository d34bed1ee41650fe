"""The counter client's 顺呼 (client.services.queue_desk): online the server decides, so two counters with stale
views never lose a claim; when the server cannot be reached it decides from its cache, and sync reconciles
both the late server request (refused as stale) and the local call."""

from __future__ import annotations

import socket
import threading
import time

from kiosk.services.issuing import TicketDesk
from kiosk.services.reference import load_directory
from shared.queue.errors import CallRefused
from shared.queue.printing import PrintState
from shared.queue.tickets import Channel
from tests.queue_server.test_row_differential import INDEX_KEY, NOW, Hall, hall  # noqa: F401 - the fixture


def _issue(h: Hall, count: int, prefixes: str = "A") -> list[str]:
    dispenser = h.device("dispenser", "dispenser")
    desk = TicketDesk(dispenser, load_directory(dispenser.engine), ticket_key=INDEX_KEY, now=lambda: NOW)
    desk.track_today()
    dispenser.sync_once()
    business = {e.business.prefix: e.business.id for e in desk.directory.entries}
    issued = []
    for i in range(count):
        ticket = desk.issue(business[prefixes[i % len(prefixes)]], Channel.DISPENSER)
        desk.settle(ticket, PrintState.PRINTED)
        issued.append(ticket.ticket.id)
    dispenser.sync_once()
    return issued


def test_two_online_counters_with_the_same_view_call_two_tickets_without_a_lost_claim(hall: Hall) -> None:
    first, second = _issue(hall, 2)
    one, two = hall.counter(1), hall.counter(2)  # windows 1 and 2 both serve business A first
    one.sync.sync_once()
    two.sync.sync_once()  # both views now hold the same two waiting tickets
    a = one.desk.call_next()
    b = two.desk.call_next()  # its cache still shows `first` waiting: the server gives it `second`
    assert (a.ticket.id, b.ticket.id) == (first, second)
    assert b.ticket.number == two.sync.confirmed("queue_ticket")[second]["display"]
    for counter, ticket, window in ((one, first, 1), (two, second, 2)):
        counter.sync.sync_once()
        assert counter.sync.rejected() == []
        row = counter.sync.confirmed("queue_ticket")[ticket]
        assert (row["state"], row["window_id"]) == ("called", counter.desk.window.id)
    calls = one.sync.confirmed("queue_call")
    assert sorted(c["ticket_id"] for c in calls.values() if c["accepted"]) == sorted([first, second])
    assert all(c["accepted"] for c in calls.values())  # nothing lost to a race


def test_the_called_ticket_shows_at_once_from_the_answer_without_a_pull(hall: Hall) -> None:
    """The server's answer carries the rows the call changed: the counter shows a ticket its cache never
    pulled as called, at once, and the next complete pull confirms the same rows."""
    counter = hall.counter(2)
    counter.sync.sync_once()  # online, with nobody waiting yet
    first, _ = _issue(hall, 2)  # issued after the counter's last pull: its cache has never seen them
    cursors = counter.sync.cursors()
    decision = counter.desk.call_next()
    assert decision.ticket.id == first
    assert counter.sync.cursors() == cursors  # nothing pulled: the answer brought the rows
    shown = counter.desk.snapshot()
    assert shown.current is not None and (shown.current.id, shown.current.state.value) == (first, "called")
    assert shown.current.number == "A001" and shown.last_decision == decision
    assert first not in counter.sync.confirmed("queue_ticket")
    overlaid = counter.sync.rows("queue_ticket")[first]
    counter.sync.sync_once()
    assert counter.sync.confirmed("queue_ticket")[first] == overlaid
    assert counter.sync.rows("queue_window")[str(counter.desk.window.id)]["current_ticket_id"] == first
    with counter.sync.engine.connect() as conn:
        from shared.sync.tables import pending
        assert conn.execute(pending.select()).first() is None  # the overlay went with the confirming pull
    assert counter.sync.status().pending == 0 and counter.sync.rejected() == []


def test_a_server_that_does_not_answer_in_time_means_the_cache_decides(hall: Hall, monkeypatch) -> None:  # noqa: ANN001
    """A server that accepts the connection but never answers (overloaded, a half-open link): after the short
    call timeout the counter calls from its cache; the request, when it finally arrives, is refused as stale."""
    from client.services import queue_desk
    from shared.sync.transport import HttpTransport
    monkeypatch.setattr(queue_desk, "ONLINE_CALL_TIMEOUT", 0.5)
    first, _ = _issue(hall, 2)
    counter = hall.counter(1)
    counter.sync.sync_once()
    with socket.socket() as silent:  # listens, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        counter.sync.transport = HttpTransport(f"http://127.0.0.1:{silent.getsockname()[1]}")
        started = time.monotonic()
        decision = counter.desk.call_next()
        waited = time.monotonic() - started
    assert decision.ticket.id == first and 0.4 < waited < 3
    assert not counter.sync.online
    assert counter.sync.rows("queue_ticket")[first]["state"] == "called"
    assert [c["name"] for c in _pending(counter)] == ["queue.call_next", "queue.call"]
    counter.sync.transport = hall.transport
    hall.http.app.state.clock.advance(minutes=1)
    counter.sync.sync_once()
    assert [(r.name, r.code) for r in counter.sync.rejected()] == [("queue.call_next", "call_next_stale")]
    row = counter.sync.confirmed("queue_ticket")[first]
    assert (row["state"], row["window_id"]) == ("called", counter.desk.window.id)


def test_unreachable_server_falls_back_to_the_cache_and_sync_reconciles(hall: Hall) -> None:
    first, _ = _issue(hall, 2)
    counter = hall.counter(1)
    counter.sync.sync_once()
    assert counter.sync.online
    hall.transport.down = True
    decision = counter.desk.call_next()  # the server request fails: decided from the cache
    assert decision.ticket.id == first
    assert counter.sync.rows("queue_ticket")[first]["state"] == "called"  # shown at once, optimistically
    names = [c["name"] for c in _pending(counter)]
    assert names == ["queue.call_next", "queue.call"]
    hall.transport.down = False
    hall.http.app.state.clock.advance(minutes=1)  # back a minute later: the server request is out of date
    counter.sync.sync_once()
    rejected = counter.sync.rejected()
    assert [(r.name, r.code) for r in rejected] == [("queue.call_next", "call_next_stale")]
    row = counter.sync.confirmed("queue_ticket")[first]
    assert (row["state"], row["window_id"]) == ("called", counter.desk.window.id)
    assert counter.sync.status().pending == 0


def _pending(services) -> list[dict]:  # noqa: ANN001
    from sqlalchemy import select

    from shared.sync.tables import outbox
    with services.sync.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(outbox).where(outbox.c.status == "pending")
                                                       .order_by(outbox.c.seq))]


def test_eight_counters_calling_at_once_through_their_desks_lose_no_claim(hall: Hall, monkeypatch) -> None:  # noqa: ANN001
    """The product's 顺呼 (QueueDesk over SyncClient, HTTP to a live server) on 8 windows at once, every cache
    synced before the tickets were issued: no call falls back to a cache, no claim is refused, every ticket is
    called exactly once, and each counter's cache shows each of its calls as the server recorded it. (The
    server shares this process and a loaded test machine: the wait for an answer is not what is tested here.)"""
    from client.services import queue_desk
    from server.queue.models import QueueCall
    from shared.sync.transport import HttpTransport
    from sqlalchemy import select
    from tests.live import live_server

    monkeypatch.setattr(queue_desk, "ONLINE_CALL_TIMEOUT", 60.0)
    counters = [hall.counter(n) for n in range(1, 9)]
    for c in counters:
        c.sync.sync_once()
    issued = _issue(hall, 40, "AADDCCBE")
    called: dict[int, list[str]] = {}
    gate = threading.Barrier(len(counters))

    errors: list[BaseException] = []

    def window(c) -> None:  # noqa: ANN001
        try:
            calls(c)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    def calls(c) -> None:  # noqa: ANN001
        mine = called.setdefault(c.desk.window.number, [])
        gate.wait()
        while True:
            if mine:
                c.desk.start()
                c.desk.finish()
            try:
                decision = c.desk.call_next()
            except CallRefused as refused:
                assert refused.code == "no_ticket_waiting", refused
                c.sync.push()
                return
            assert c.sync.online, c.sync.last_error  # decided by the server, not from the cache
            assert c.desk.snapshot().current.id == decision.ticket.id  # shown at once
            mine.append(decision.ticket.id)

    with live_server(hall.http.app) as base:
        for c in counters:
            c.sync.transport = HttpTransport(base)
        threads = [threading.Thread(target=window, args=(c,)) for c in counters]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
    assert errors == []
    assert sorted(t for per_window in called.values() for t in per_window) == sorted(issued)
    assert all(c.sync.rejected() == [] for c in counters)
    with hall.db.session() as s:
        calls = s.execute(select(QueueCall.ticket_id, QueueCall.window_id, QueueCall.accepted)).all()
    assert sorted(t for t, _, _ in calls) == sorted(issued) and all(ok for _, _, ok in calls)
    by_window = {c.desk.window.id: c.desk.window.number for c in counters}
    assert sorted((by_window[w], t) for t, w, _ in calls) == sorted((n, t) for n, ts in called.items() for t in ts)
