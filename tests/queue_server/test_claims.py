"""Two windows never serve the same ticket: the first claim in server order wins, the loser is told and both
calls are kept; a start where the citizen actually is always wins and is flagged. Includes two devices
pushing at the same moment (PostgreSQL: real concurrent transactions; SQLite: serialised by its lock)."""

from __future__ import annotations

import threading
import uuid

from sqlalchemy import select

from server.queue.models import QueueCall, QueueTicket


def _windows(qhall):  # noqa: ANN001, ANN202
    return qhall.device("dispenser"), qhall.device("workstation", 1), qhall.device("workstation", 2)


def test_the_second_claim_loses_and_both_calls_are_recorded(qhall) -> None:  # noqa: ANN001
    kiosk, w1, w2 = _windows(qhall)
    ticket, _ = qhall.issue(kiosk, "A")
    assert qhall.call(w1, ticket, 1)["status"] == "accepted"
    lost = qhall.call(w2, ticket, 1)
    assert (lost["status"], lost["code"], lost["message"]) == ("rejected", "ticket_claimed_elsewhere",
                                                                "该号已被其他窗口呼叫")
    assert lost["details"]["winner_window"] == w1.window_id
    calls = qhall.rows(kiosk, "queue_call")
    assert sorted((c["window_id"], c["accepted"]) for c in calls.values()) == [(w1.window_id, True),
                                                                               (w2.window_id, False)]
    row = qhall.rows(kiosk, "queue_ticket")[ticket]
    assert row["window_id"] == w1.window_id and row["state"] == "called"
    assert qhall.rows(kiosk, "queue_window")[str(w1.window_id)]["current_ticket_id"] == ticket
    assert str(w2.window_id) not in qhall.rows(kiosk, "queue_window")


def test_a_start_where_the_citizen_is_overrides_the_claim_and_is_flagged(qhall) -> None:  # noqa: ANN001
    kiosk, w1, w2 = _windows(qhall)
    ticket, _ = qhall.issue(kiosk, "A")
    qhall.call(w1, ticket, 1)
    assert qhall.call(w2, ticket, 1)["code"] == "ticket_claimed_elsewhere"
    started = qhall.act(w2, "queue.start", ticket, 2)
    assert started["status"] == "accepted" and started["result"]["flags"] == ["claim_overridden"]
    row = qhall.rows(kiosk, "queue_ticket")[ticket]
    assert (row["state"], row["window_id"], row["flags"]) == ("serving", w2.window_id, ["claim_overridden"])
    windows = qhall.rows(kiosk, "queue_window")
    assert windows[str(w1.window_id)]["current_ticket_id"] is None
    assert windows[str(w2.window_id)]["current_ticket_id"] == ticket
    assert qhall.act(w1, "queue.finish", ticket, 3)["code"] == "ticket_at_other_window"
    assert qhall.act(w2, "queue.finish", ticket, 3)["status"] == "accepted"


def _call_command(qhall, dev, ticket: str) -> dict:  # noqa: ANN001
    return qhall.command(dev, "queue.call", {"call_id": str(uuid.uuid4()), "ticket_id": ticket,
                                             "window_id": dev.window_id, "mode": "next", "at": qhall.at(1)})


def test_two_devices_pushing_at_once_never_both_win(qhall) -> None:  # noqa: ANN001
    kiosk = qhall.device("dispenser")
    windows = [qhall.device("workstation", n) for n in (1, 2, 3, 5)]  # all four serve business A
    tickets = [qhall.issue(kiosk, "A")[0] for _ in range(6)]
    results: dict[str, list[dict]] = {}

    def push_all(dev) -> None:  # noqa: ANN001
        barrier.wait()
        # each window claims every ticket in its own batch; the window is busy after its first win, so later
        # claims in its batch are refused one way or another — what matters is the winners
        for ticket in tickets:
            results.setdefault(dev.id, []).extend(qhall.push_many(dev, [_call_command(qhall, dev, ticket)]))

    barrier = threading.Barrier(len(windows))
    threads = [threading.Thread(target=push_all, args=(w,)) for w in windows]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    with qhall.db.session() as s:
        accepted = s.scalars(select(QueueCall).where(QueueCall.accepted.is_(True))).all()
        per_ticket = {}
        for call in accepted:
            per_ticket.setdefault(call.ticket_id, []).append(call.window_id)
        assert all(len(ws) == 1 for ws in per_ticket.values()), per_ticket
        assert len(per_ticket) == len(windows)  # each window won exactly one ticket, then was busy
        called = s.scalars(select(QueueTicket).where(QueueTicket.state == "called")).all()
        assert {t.id: t.window_id for t in called} == {tid: ws[0] for tid, ws in per_ticket.items()}
    codes = {r["code"] for rs in results.values() for r in rs if r["status"] == "rejected"}
    assert codes <= {"ticket_claimed_elsewhere", "window_busy"}
    assert "ticket_claimed_elsewhere" in codes


def test_one_push_with_two_claims_from_two_devices_in_turn(qhall) -> None:  # noqa: ANN001
    kiosk, w1, w2 = _windows(qhall)
    ticket, _ = qhall.issue(kiosk, "A")
    first = qhall.push_many(w2, [_call_command(qhall, w2, ticket)])[0]
    second = qhall.push_many(w1, [_call_command(qhall, w1, ticket)])[0]
    assert first["status"] == "accepted" and second["code"] == "ticket_claimed_elsewhere"
