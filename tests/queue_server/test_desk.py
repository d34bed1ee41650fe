"""Window commands through real pushes: the lifecycle, published rows, and every refusal with its code."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from server.queue.models import QueueCall
from shared.db.models import Quota


@pytest.fixture
def desk(qhall):  # noqa: ANN001, ANN201
    """A dispenser, window 2 (serves A only) and window 4 (serves D only)."""
    return qhall, qhall.device("dispenser"), qhall.device("workstation", 2), qhall.device("workstation", 4)


def test_a_visit_from_call_to_finish_publishes_every_step(desk) -> None:  # noqa: ANN001
    hall, kiosk, w2, _ = desk
    ticket, _ = hall.issue(kiosk, "A")
    assert hall.call(w2, ticket, 1)["status"] == "accepted"
    assert hall.act(w2, "queue.recall", ticket, 2)["result"]["recalls"] == 1
    assert hall.act(w2, "queue.start", ticket, 3)["status"] == "accepted"
    assert hall.act(w2, "queue.finish", ticket, 13)["status"] == "accepted"
    row = hall.rows(kiosk, "queue_ticket")[ticket]
    assert row["state"] == "finished" and row["window_id"] == w2.window_id and row["clerk"] == "clerk"
    assert [p["kind"] for p in row["periods"]] == ["waiting", "called", "serving"]
    assert row["periods"][-1]["end"] is not None
    calls = hall.rows(kiosk, "queue_call")
    assert sorted(c["kind"] for c in calls.values()) == ["call", "recall"]
    assert all(c["accepted"] and c["window_number"] == 2 and c["display"] == "A001" for c in calls.values())
    window = hall.rows(kiosk, "queue_window")[str(w2.window_id)]
    assert window == {"window_id": w2.window_id, "hall_id": hall.hall_id, "paused": False,
                      "current_ticket_id": None, "since": window["since"]}


def test_acting_on_a_ticket_in_the_wrong_state_is_refused(desk) -> None:  # noqa: ANN001
    hall, kiosk, w2, _ = desk
    ticket, _ = hall.issue(kiosk, "A")
    r = hall.act(w2, "queue.finish", ticket)
    assert (r["status"], r["code"], r["message"]) == ("rejected", "wrong_ticket_state", "该号当前状态不能进行此操作")
    hall.call(w2, ticket)
    assert hall.act(w2, "queue.no_show", ticket)["code"] == "no_show_too_early"
    assert hall.act(w2, "queue.call", ticket, call_id="0" * 8 + "-0000-4000-8000-" + "0" * 12,
                    mode="next")["code"] == "window_busy"
    unknown = hall.act(w2, "queue.start", "12345678-1234-4234-8234-123456789abc")
    assert unknown["code"] == "unknown_ticket"


def test_a_window_cannot_call_a_business_it_does_not_serve(desk) -> None:  # noqa: ANN001
    hall, kiosk, _, w4 = desk
    ticket, _ = hall.issue(kiosk, "A")
    r = hall.call(w4, ticket)
    assert (r["code"], r["message"]) == ("window_does_not_serve_business", "本窗口不办理该业务")
    assert hall.rows(kiosk, "queue_ticket")[ticket]["state"] == "waiting"


def test_recalls_are_limited_and_no_show_follows_them(desk) -> None:  # noqa: ANN001
    hall, kiosk, w2, _ = desk
    ticket, _ = hall.issue(kiosk, "A")
    hall.call(w2, ticket)
    for n in range(3):
        assert hall.act(w2, "queue.recall", ticket, 2 + n)["status"] == "accepted"
    assert hall.act(w2, "queue.recall", ticket, 6)["code"] == "recall_limit_reached"
    assert hall.act(w2, "queue.no_show", ticket, 7)["status"] == "accepted"
    assert hall.rows(kiosk, "queue_ticket")[ticket]["state"] == "no_show"
    assert hall.rows(kiosk, "queue_window")[str(w2.window_id)]["current_ticket_id"] is None


def test_a_paused_window_cannot_call(desk) -> None:  # noqa: ANN001
    hall, kiosk, w2, _ = desk
    ticket, _ = hall.issue(kiosk, "A")
    args = {"window_id": w2.window_id, "at": hall.at(1), "reason": "午休"}
    assert hall.push(w2, "queue.pause", args)["status"] == "accepted"
    assert hall.push(w2, "queue.pause", args)["code"] == "window_already_paused"
    assert hall.call(w2, ticket)["code"] == "window_paused"
    assert hall.rows(kiosk, "queue_window")[str(w2.window_id)]["paused"] is True
    assert hall.push(w2, "queue.resume", args)["status"] == "accepted"
    assert hall.push(w2, "queue.resume", args)["code"] == "window_not_paused"
    assert hall.call(w2, ticket, 2)["status"] == "accepted"


def test_hold_and_call_back_at_the_same_window(desk) -> None:  # noqa: ANN001
    hall, kiosk, w2, _ = desk
    ticket, _ = hall.issue(kiosk, "A")
    hall.call(w2, ticket)
    hall.act(w2, "queue.start", ticket, 2)
    assert hall.act(w2, "queue.hold", ticket, 3)["result"]["state"] == "held"
    assert hall.call(w2, ticket, 5, mode="call_back")["result"]["state"] == "called"
    hall.act(w2, "queue.start", ticket, 6)
    row = hall.rows(kiosk, "queue_ticket")[ticket]
    assert [p["kind"] for p in row["periods"]] == ["waiting", "called", "serving", "held", "called", "serving"]
    kinds = sorted(c["kind"] for c in hall.rows(kiosk, "queue_call").values())
    assert kinds == ["call", "call_back"]


def test_transfer_keeps_the_place_in_line_and_frees_the_window(desk) -> None:  # noqa: ANN001
    hall, kiosk, w2, w4 = desk
    ticket, _ = hall.issue(kiosk, "A")
    hall.call(w2, ticket)
    hall.act(w2, "queue.start", ticket, 2)
    none = hall.act(w2, "queue.transfer", ticket, 3)
    assert none["code"] == "transfer_needs_destination"
    bad = hall.act(w2, "queue.transfer", ticket, 3, to_business_id=9999)
    assert bad["code"] == "unknown_business"
    moved = hall.act(w2, "queue.transfer", ticket, 3, to_business_id=hall.business["D"])
    assert moved["status"] == "accepted"
    row = hall.rows(kiosk, "queue_ticket")[ticket]
    assert row["state"] == "waiting" and row["business_id"] == hall.business["D"] and row["transfers"] == 1
    assert row["queue_key"] == row["issued_at"] and row["periods"][-1]["kind"] == "transferred"
    assert hall.call(w4, ticket, 4)["status"] == "accepted"


def test_cancel_by_the_dispenser_and_refusal_once_final(desk) -> None:  # noqa: ANN001
    hall, kiosk, w2, _ = desk
    ticket, _ = hall.issue(kiosk, "A")
    args = {"ticket_id": ticket, "at": hall.at(2), "reason": "不办了"}
    assert hall.push(kiosk, "queue.cancel", args)["status"] == "accepted"
    assert hall.push(kiosk, "queue.cancel", args)["code"] == "wrong_ticket_state"
    assert hall.call(w2, ticket)["code"] == "wrong_ticket_state"


def test_a_dispenser_cancels_only_its_own_uncalled_tickets(desk) -> None:  # noqa: ANN001
    """Unattended, a dispenser withdraws a ticket whose print failed; not another device's, not a called one."""
    hall, kiosk, w2, _ = desk
    other = hall.device("dispenser")
    theirs, _ = hall.issue(other, "A")
    refused = hall.push(kiosk, "queue.cancel", {"ticket_id": theirs, "at": hall.at(2), "reason": "x"})
    assert (refused["status"], refused["code"]) == ("rejected", "dispenser_cancel_not_own")
    assert hall.rows(kiosk, "queue_ticket")[theirs]["state"] == "waiting"
    mine, _ = hall.issue(kiosk, "A")
    assert hall.call(w2, mine, 1)["status"] == "accepted"
    called = hall.push(kiosk, "queue.cancel", {"ticket_id": mine, "at": hall.at(2), "reason": "x"})
    assert called["code"] == "dispenser_cancel_not_own"
    own = hall.push(other, "queue.cancel", {"ticket_id": theirs, "at": hall.at(3), "reason": "print failed"})
    assert own["status"] == "accepted"  # the dispenser that issued it may


def test_desk_commands_need_a_clerk_on_a_workstation(qhall) -> None:  # noqa: ANN001
    kiosk = qhall.device("dispenser")
    anonymous = qhall.device("workstation", 2, staff=None)
    approver = qhall.device("workstation", 1, staff="approver")
    ticket, _ = qhall.issue(kiosk, "A")
    assert qhall.call(anonymous, ticket)["code"] == "role_required"
    assert qhall.call(approver, ticket)["code"] == "role_required"
    assert qhall.call(kiosk, ticket)["code"] == "command_not_allowed"
    other = qhall.device("workstation", 1)
    r = qhall.push(other, "queue.call", {"call_id": "11111111-1111-4111-8111-111111111111", "ticket_id": ticket,
                                         "window_id": qhall.window[2], "mode": "next", "at": qhall.at(1)})
    assert r["code"] == "window_not_yours"


def test_a_rejected_command_changes_nothing(desk) -> None:  # noqa: ANN001
    hall, kiosk, w2, _ = desk
    ticket, _ = hall.issue(kiosk, "A")
    before = hall.rows(kiosk, "queue_ticket")[ticket]
    hall.act(w2, "queue.finish", ticket)
    assert hall.rows(kiosk, "queue_ticket")[ticket] == before
    with hall.db.session() as s:
        assert s.scalars(select(QueueCall)).all() == []
        s.execute(update(Quota).values(paused=False))
