"""The counter client's 顺呼 (client.services.queue_desk): online the server decides, so two counters with stale
views never lose a claim; when the server cannot be reached it decides from its cache, and sync reconciles
both the late server request (refused as stale) and the local call."""

from __future__ import annotations

from kiosk.services.issuing import TicketDesk
from kiosk.services.reference import load_directory
from shared.queue.printing import PrintState
from shared.queue.tickets import Channel
from tests.queue_server.test_row_differential import INDEX_KEY, NOW, Hall, hall  # noqa: F401 - the fixture


def _issue(h: Hall, count: int) -> list[str]:
    dispenser = h.device("dispenser", "dispenser")
    desk = TicketDesk(dispenser, load_directory(dispenser.engine), ticket_key=INDEX_KEY, now=lambda: NOW)
    desk.track_today()
    dispenser.sync_once()
    a = next(e.business.id for e in desk.directory.entries if e.business.prefix == "A")
    issued = []
    for _ in range(count):
        ticket = desk.issue(a, Channel.DISPENSER)
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
