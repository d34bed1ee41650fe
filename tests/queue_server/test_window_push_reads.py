"""Issue 19, per-command cost: a counter's push brings the previous citizen's 开始办理 and 办结 with its next call.
The unit of work holds the queue rows it read (server.queue.store.held), so the push reads the ticket, the
window's state and the clerk's badge fields once each — and a rolled-back savepoint still leaves no stale row."""

from __future__ import annotations

import uuid

from sqlalchemy import event

from server.queue import store
from server.queue.models import QueueWindowState
from tests.queue_server.support import QueueHall
from tests.queue_server.test_call_next import _command


def _selects(qhall: QueueHall) -> list[str]:
    seen: list[str] = []
    event.listen(qhall.db.engine, "before_cursor_execute",
                 lambda conn, cursor, sql, *rest: seen.append(" ".join(sql.split())) if sql.lstrip().upper()
                 .startswith("SELECT") else None)
    return seen


def test_a_counters_push_reads_its_ticket_window_and_clerk_once(qhall: QueueHall) -> None:
    kiosk, counter = qhall.device("dispenser"), qhall.device("workstation", 1)
    first, _ = qhall.issue(kiosk, "A")
    second, _ = qhall.issue(kiosk, "A", minutes=0.5)
    called = qhall.push_many(counter, [_command(qhall, counter, "queue.call_next", {
        "call_id": str(uuid.uuid4()), "window_id": counter.window_id, "at": qhall.at(1)}, sent_minutes=0)])[0]
    assert called["result"]["ticket_id"] == first

    seen = _selects(qhall)
    act = {"ticket_id": first, "window_id": counter.window_id}
    answers = qhall.push_many(counter, [
        _command(qhall, counter, "queue.start", {**act, "at": qhall.at(2)}, sent_minutes=0),
        _command(qhall, counter, "queue.finish", {**act, "at": qhall.at(9)}, sent_minutes=0),
        _command(qhall, counter, "queue.call_next", {"call_id": str(uuid.uuid4()), "window_id": counter.window_id,
                                                     "at": qhall.at(9)}, sent_minutes=0)])
    assert [a["status"] for a in answers] == ["accepted"] * 3, answers
    assert answers[2]["result"]["ticket_id"] == second

    by_id = [s for s in seen if "FROM queue_ticket" in s and "WHERE queue_ticket.id =" in s]
    window = [s for s in seen if "FROM queue_window_state" in s]
    clerk = [s for s in seen if "FROM staff_user" in s and "username" in s]
    assert (len(by_id), len(window), len(clerk)) == (1, 1, 1), (by_id, window, clerk)
    tickets = qhall.rows(kiosk, "queue_ticket")
    assert (tickets[first]["state"], tickets[second]["state"]) == ("finished", "called")
    assert qhall.rows(kiosk, "queue_window")[str(counter.window_id)]["current_ticket_id"] == second


def test_a_held_row_changed_in_a_rolled_back_savepoint_reads_as_stored(qhall: QueueHall) -> None:
    counter = qhall.device("workstation", 1)
    with qhall.db.session() as session:
        state = store.window_state(session, qhall.hall_id, counter.window_id)
        session.flush()
    with qhall.db.session() as session:
        state = store.window_state(session, qhall.hall_id, counter.window_id)
        stored = state.fairness_normal
        savepoint = session.begin_nested()
        state.fairness_normal = stored + 5
        session.flush()
        savepoint.rollback()
        assert store.window_state(session, qhall.hall_id, counter.window_id) is state  # held, not read again
        assert state.fairness_normal == stored
        assert session.get(QueueWindowState, counter.window_id).fairness_normal == stored
