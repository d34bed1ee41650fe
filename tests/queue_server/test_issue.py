"""`queue.issue` through real pushes: a fact recorded with flags, refused only when malformed or unleased."""

from __future__ import annotations

import uuid

from sqlalchemy import update

from server.queue.models import QueueTicket
from shared.db.models import Quota
from tests.queue_server.support import DAY


def test_an_issued_ticket_is_published_to_the_hall(qhall) -> None:  # noqa: ANN001
    kiosk = qhall.device("dispenser")
    ticket_id, result = qhall.issue(kiosk, "A")
    assert result["status"] == "accepted", result
    assert result["result"]["flags"] == []
    row = qhall.rows(kiosk, "queue_ticket")[ticket_id]
    assert row["display"] == "A001" and row["state"] == "waiting" and row["priority_class"] == 3
    assert row["periods"][0]["kind"] == "waiting" and row["day"] == DAY.isoformat()
    assert row["queue_key"] == row["issued_at"]


def test_sending_the_same_fact_again_is_harmless(qhall) -> None:  # noqa: ANN001
    kiosk = qhall.device("dispenser")
    args = qhall.issue_args(kiosk, "A")
    first = qhall.push(kiosk, "queue.issue", args)
    again = qhall.push(kiosk, "queue.issue", args)
    assert first["status"] == again["status"] == "accepted"
    assert again["result"]["duplicate"] is True


def test_a_number_outside_the_devices_leases_is_refused(qhall) -> None:  # noqa: ANN001
    kiosk, other = qhall.device("dispenser"), qhall.device("dispenser")
    foreign = qhall.lease(other, "A")
    mine = qhall.lease(kiosk, "A")
    cases = [qhall.issue_args(kiosk, "A", block=foreign, number=foreign["first"]),
             qhall.issue_args(kiosk, "A", block=mine, number=mine["last"] + 1),
             qhall.issue_args(kiosk, "B", block=mine, number=mine["first"])]  # the A block for a B ticket
    for args in cases:
        result = qhall.push(kiosk, "queue.issue", args)
        assert (result["status"], result["code"]) == ("rejected", "number_not_leased")
        assert result["message"] == "号码不在本设备的号段内"


def test_malformed_tickets_are_refused_with_their_codes(qhall) -> None:  # noqa: ANN001
    kiosk = qhall.device("dispenser")
    block = qhall.lease(kiosk, "A")
    unknown = qhall.issue_args(kiosk, "A", business_id=9999)
    assert qhall.push(kiosk, "queue.issue", unknown)["code"] == "unknown_business"
    wrong = qhall.issue_args(kiosk, "A", block=block, number=block["first"], display="A777")
    assert qhall.push(kiosk, "queue.issue", wrong)["code"] == "display_mismatch"
    fallback = qhall.issue_args(kiosk, "A", number=None, block_id=None, display="B-K2-001")
    assert qhall.push(kiosk, "queue.issue", fallback)["code"] == "fallback_format"
    bad = qhall.issue_args(kiosk, "A", channel="fax")
    assert qhall.push(kiosk, "queue.issue", bad)["code"] == "invalid_args"
    ok = qhall.issue_args(kiosk, "A", block=block, number=block["first"] + 1)
    assert qhall.push(kiosk, "queue.issue", ok)["status"] == "accepted"
    twice = qhall.issue_args(kiosk, "A", block=block, number=block["first"] + 1)  # same number, new ticket id
    assert qhall.push(kiosk, "queue.issue", twice)["code"] == "number_taken"


def test_a_fallback_and_a_reserve_number_are_flagged_not_refused(qhall) -> None:  # noqa: ANN001
    kiosk = qhall.device("dispenser")
    reserve = qhall.lease(kiosk, "A", kind="reserve", size=40)
    r = qhall.push(kiosk, "queue.issue", qhall.issue_args(kiosk, "A", block=reserve))
    assert r["result"]["flags"] == ["reserve_number"]
    fb = qhall.issue_args(kiosk, "A", number=None, block_id=None, display="A-K2-001")
    assert qhall.push(kiosk, "queue.issue", fb)["result"]["flags"] == ["fallback_number"]


def test_rules_an_offline_dispenser_could_not_check_become_flags(qhall) -> None:  # noqa: ANN001
    kiosk = qhall.device("dispenser")
    with qhall.db.session() as s:
        s.execute(update(Quota).where(Quota.business_id == qhall.business["B"]).values(daily_limit=1, am_limit=1))
        s.execute(update(Quota).where(Quota.business_id == qhall.business["C"]).values(paused=True))
    assert qhall.issue(kiosk, "B")[1]["result"]["flags"] == []
    assert qhall.issue(kiosk, "B")[1]["result"]["flags"] == ["over_quota"]
    assert qhall.issue(kiosk, "C")[1]["result"]["flags"] == ["business_paused"]
    assert qhall.issue(kiosk, "A", minutes=-60)[1]["result"]["flags"] == ["outside_opening_hours"]
    person = "ab" * 32
    first = qhall.issue(kiosk, "A", person_key=person, channel="id_card")[1]
    second = qhall.issue(kiosk, "A", person_key=person, channel="id_card")[1]
    assert first["result"]["flags"] == [] and second["result"]["flags"] == ["duplicate_person"]
    with qhall.db.session() as s:
        flagged = sum(1 for t in s.query(QueueTicket) if t.flags)
    assert flagged == 4


def test_green_channel_tickets_get_class_two(qhall) -> None:  # noqa: ANN001
    kiosk = qhall.device("dispenser")
    ticket_id, r = qhall.issue(kiosk, "A", green_reason="elderly", channel="staff")
    assert r["result"]["priority_class"] == 2
    assert qhall.rows(kiosk, "queue_ticket")[ticket_id]["green_reason"] == "elderly"


def test_another_ticket_with_a_taken_id_is_refused(qhall) -> None:  # noqa: ANN001
    kiosk, other = qhall.device("dispenser"), qhall.device("dispenser")
    ticket_id, _ = qhall.issue(kiosk, "A")
    r = qhall.push(other, "queue.issue", qhall.issue_args(other, "A", ticket_id=ticket_id))
    assert r["code"] == "ticket_id_conflict"
    assert str(uuid.UUID(ticket_id))


def test_a_ticket_issued_offline_while_the_persons_other_ticket_was_open_is_flagged(qhall) -> None:  # noqa: ANN001
    """The offline dispenser's ticket reaches the server after the other one ended; it overlapped all the same."""
    online, offline, w2 = qhall.device("dispenser"), qhall.device("dispenser"), qhall.device("workstation", 2)
    person = "cd" * 32
    first, _ = qhall.issue(online, "A", minutes=0, person_key=person, channel="id_card")
    qhall.call(w2, first, 5)
    qhall.act(w2, "queue.start", first, 6)
    qhall.act(w2, "queue.finish", first, 10)
    overlapped = qhall.issue(offline, "A", minutes=8, person_key=person, channel="id_card")[1]
    after = qhall.issue(offline, "A", minutes=12, person_key=person, channel="id_card")[1]
    assert overlapped["result"]["flags"] == ["duplicate_person"]  # issued at 09:38, the first ended at 09:40
    assert after["result"]["flags"] == ["duplicate_person"]  # the overlapped one is still waiting
    other = "ef" * 32
    done, _ = qhall.issue(online, "A", minutes=0, person_key=other, channel="id_card")
    qhall.call(w2, done, 13)
    qhall.act(w2, "queue.start", done, 14)
    qhall.act(w2, "queue.finish", done, 15)
    assert qhall.issue(offline, "A", minutes=16, person_key=other, channel="id_card")[1]["result"]["flags"] == []
