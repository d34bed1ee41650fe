"""The counter's actions on its current ticket (开始办理, 办结, 重呼…) find it through the window row, which names
it, and parse that one ticket — not every ticket the window served today, which made each action slower than
the last (issue 19: a call cost the counter 36 ms of CPU after 200 calls, 126 ms after 600). When the window row
names no current ticket, or one no longer current here, the shared rule still finds it among the window's
tickets."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

import client.services.queue_desk as queue_desk
from shared.sync import store
from shared.sync.tables import outbox
from tests.client.support import Clock, publish_row, publish_ticket, services, staff


@pytest.fixture
def clock() -> Clock:
    return Clock()


def _confirm_all(engine, seq: int) -> None:  # noqa: ANN001
    """What a complete pull does: the merged rows become the confirmed ones, the pending rows go."""
    with engine.begin() as conn:
        for table in ("queue_ticket", "queue_window"):
            for pk, row in store.merged_rows(conn, table).items():
                seq += 1
                store.apply_changes(conn, [{"table": table, "pk": pk, "op": "upsert", "scope": "hall:1",
                                            "seq": seq, "row": row}])
        store.drop_pending(conn, list(conn.scalars(select(outbox.c.command_id))))


def test_actions_parse_only_the_current_ticket_however_many_the_window_served(tmp_path, clock, monkeypatch):
    s = services(tmp_path, staff(), clock)
    business = s.desk.window.services[0].business_id
    for n in range(1, 31):
        publish_ticket(s.engine, 1, business, f"A{n:03d}", clock.now - dt.timedelta(minutes=60 - n), seq=n)
    for _ in range(29):
        s.desk.call_next()
        s.desk.start()
        s.desk.finish()
    s.desk.call_next()  # A030: the 30th ticket of this window today
    parsed = []
    real = queue_desk.ticket_of
    monkeypatch.setattr(queue_desk, "ticket_of", lambda row, *a: parsed.append(row["id"]) or real(row, *a))
    started = s.desk.start()
    assert started.number == "A030" and started.state.value == "serving"
    assert parsed == [started.id]  # not the 29 finished tickets of this window
    parsed.clear()
    assert s.desk.finish().state.value == "finished"
    assert parsed == [started.id]
    assert s.desk.snapshot().current is None


def test_a_window_row_naming_no_current_ticket_does_not_hide_the_called_one(tmp_path, clock):
    s = services(tmp_path, staff(), clock)
    business = s.desk.window.services[0].business_id
    called = publish_ticket(s.engine, 1, business, "A001", clock.now - dt.timedelta(minutes=5), seq=1)
    s.desk.call_next()
    _confirm_all(s.engine, 100)
    # The window row says the window is free (e.g. a row written by another device before the call reached it).
    publish_row(s.engine, "queue_window", str(s.desk.window.id),
                {"window_id": s.desk.window.id, "hall_id": 1, "paused": False, "current_ticket_id": None,
                 "since": None}, seq=500)
    assert s.desk.start().id == called


def test_a_window_row_naming_a_finished_ticket_leads_to_the_called_one(tmp_path, clock):
    s = services(tmp_path, staff(), clock)
    business = s.desk.window.services[0].business_id
    first = publish_ticket(s.engine, 1, business, "A001", clock.now - dt.timedelta(minutes=5), seq=1)
    second = publish_ticket(s.engine, 1, business, "A002", clock.now - dt.timedelta(minutes=4), seq=2)
    s.desk.call_next()
    s.desk.start()
    s.desk.finish()
    assert s.desk.call_next().ticket.id == second
    _confirm_all(s.engine, 100)
    publish_row(s.engine, "queue_window", str(s.desk.window.id),
                {"window_id": s.desk.window.id, "hall_id": 1, "paused": False, "current_ticket_id": first,
                 "since": None}, seq=500)
    assert s.desk.recall().id == second
    assert s.desk.start().id == second
    assert s.desk.finish().id == second
    with pytest.raises(queue_desk.CallRefused) as none:
        s.desk.start()
    assert none.value.code == "wrong_ticket_state"
