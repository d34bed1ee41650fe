"""Near-call reminders: one outbox row per ticket once it is within the threshold, drained by a sender."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from server.queue.models import QueueNotification
from server.queue.notifications import LogSender, SendFailed, drain, scan_near_calls
from tests.queue_server.support import DAY, START


class FlakySender(LogSender):
    def __init__(self, failures: int) -> None:
        super().__init__()
        self.failures = failures

    def send(self, notice) -> None:  # noqa: ANN001
        if self.failures:
            self.failures -= 1
            raise SendFailed("gateway timeout")
        super().send(notice)


def test_reminders_are_queued_once_and_sent(qhall) -> None:  # noqa: ANN001
    kiosk, w7 = qhall.device("dispenser"), qhall.device("workstation", 7)  # C: windows 7, 8, 9 serve it
    tickets = [qhall.issue(kiosk, "C", minutes=n)[0] for n in range(12)]
    now = START + dt.timedelta(minutes=15)
    with qhall.db.session() as s:
        first = scan_near_calls(s, qhall.hall_id, DAY, now)
    # people ahead counts every call before it at windows that may call it: 0, 1, 2, 3 → the first four
    assert first == 4
    with qhall.db.session() as s:
        assert scan_near_calls(s, qhall.hall_id, DAY, now) == 0  # exactly once
    for ticket in tickets[:3]:
        qhall.call(w7, ticket, 16)
        qhall.act(w7, "queue.start", ticket, 16)
        qhall.act(w7, "queue.finish", ticket, 17)
    with qhall.db.session() as s:
        assert scan_near_calls(s, qhall.hall_id, DAY, now + dt.timedelta(minutes=3)) == 3
    sender = FlakySender(failures=1)
    with qhall.db.session() as s:
        assert drain(s, sender, now) == (4 + 3 - 1, 0)
    with qhall.db.session() as s:
        assert drain(s, sender, now) == (1, 0)
        rows = s.scalars(select(QueueNotification)).all()
    assert all(r.state == "sent" for r in rows) and len({r.ticket_id for r in rows}) == len(rows)
    assert {n.payload["display"] for n in sender.sent} >= {"C001", "C002", "C003"}


def test_a_notice_that_keeps_failing_is_given_up(qhall) -> None:  # noqa: ANN001
    kiosk = qhall.device("dispenser")
    qhall.issue(kiosk, "C")
    with qhall.db.session() as s:
        scan_near_calls(s, qhall.hall_id, DAY, START)
    sender = FlakySender(failures=100)
    for _ in range(4):
        with qhall.db.session() as s:
            assert drain(s, sender, START) == (0, 0)
    with qhall.db.session() as s:
        assert drain(s, sender, START) == (0, 1)
        assert s.scalar(select(QueueNotification.state)) == "failed"
