"""Issue 19, pushes of one hall at once: dispensers pushing together are all answered, and no number is printed
twice. They wait for their writer together — on SQLite the server's one group commit, on PostgreSQL their
hall's (server/store/database.py: the device's hall is known from its previous push, or for its first push
from its row) — so they may share transactions (tests/unit/test_group_commit.py holds what sharing means)."""

from __future__ import annotations

import threading
from collections import Counter

from tests.queue_server.support import QueueHall


def test_dispensers_pushing_at_once_wait_in_their_halls_line_and_number_once(qhall: QueueHall) -> None:
    kiosks = [(qhall.device("dispenser"), prefix) for prefix in "ABCD"]
    line = qhall.db.group_commit or qhall.db.hall_line(qhall.hall_id)
    before = line.pushes
    for kiosk, prefix in kiosks:  # each device's first push: its hall is read from its row
        assert qhall.issue(kiosk, prefix)[1]["status"] == "accepted"
    assert line.pushes - before == 4
    pushes = {kiosk.id: [[qhall.command(kiosk, "queue.issue", qhall.issue_args(kiosk, prefix, minutes=1 + i / 10))]
                         for i in range(8)] for kiosk, prefix in kiosks}
    answers: dict[str, list] = {kiosk.id: [] for kiosk, _ in kiosks}
    start = threading.Barrier(len(kiosks))

    def dispenser(kiosk) -> None:  # noqa: ANN001
        start.wait(10)
        for commands in pushes[kiosk.id]:
            answers[kiosk.id] += qhall.push_many(kiosk, commands)

    threads = [threading.Thread(target=dispenser, args=(kiosk,)) for kiosk, _ in kiosks]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert all(len(a) == 8 and {r["status"] for r in a} == {"accepted"} for a in answers.values()), answers
    assert line.pushes - before == 36  # every one of them went through the hall's writer line
    tickets = qhall.rows(kiosks[0][0], "queue_ticket").values()
    assert len(tickets) == 36 and max(Counter(t["display"] for t in tickets).values()) == 1
