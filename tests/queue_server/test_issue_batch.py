"""`queue.issue` in one push of many commands (server.queue.issue_batch): each ticket is answered as it would be
in a push of its own — a ticket sent twice, a number printed twice, a quota used up, a person's second ticket —
and what the push publishes is what its rows say, although the rows are read once and inserted once."""

from __future__ import annotations

from sqlalchemy import select, update

from server.queue import store
from server.queue.models import QueueTicket
from shared.db.models import Quota


def test_a_push_of_many_tickets_answers_each_as_its_own_push_would(qhall) -> None:  # noqa: ANN001
    kiosk = qhall.device("dispenser")
    with qhall.db.session() as s:
        s.execute(update(Quota).where(Quota.business_id == qhall.business["B"]).values(daily_limit=2, am_limit=2))
    person = "ab" * 32
    first = qhall.issue_args(kiosk, "A", print_state="printing", printed=None)
    number_one = first["number"]
    plan = [
        ("queue.issue", first),
        ("queue.issue", dict(first)),  # the same ticket again, by another command
        ("queue.issue", {**qhall.issue_args(kiosk, "A", number=number_one)}),  # its number on another ticket
        ("queue.issue", qhall.issue_args(kiosk, "B")),
        ("queue.issue", qhall.issue_args(kiosk, "B")),
        ("queue.issue", qhall.issue_args(kiosk, "B")),  # the third of a quota of two
        ("queue.print", {"ticket_id": first["ticket_id"], "outcome": "printed", "at": qhall.at(1)}),
        ("queue.issue", qhall.issue_args(kiosk, "A", person_key=person, channel="id_card")),
        ("queue.issue", qhall.issue_args(kiosk, "A", person_key=person, channel="id_card")),
        ("queue.issue", qhall.issue_args(kiosk, "A")),
    ]
    last = plan[-1][1]
    plan.append(("queue.issue", qhall.issue_args(kiosk, "A", number=last["number"])))  # taken after a reload
    commands = []
    for name, args in plan:
        commands.append(qhall.command(kiosk, name, args))
    results = qhall.push_many(kiosk, commands)
    got = [(r["status"], r["code"], r["result"].get("flags"), r["result"].get("duplicate")) for r in results]
    assert got == [("accepted", None, [], None),
                   ("accepted", None, None, True),
                   ("rejected", "number_taken", None, None),
                   ("accepted", None, [], None),
                   ("accepted", None, [], None),
                   ("accepted", None, ["over_quota"], None),
                   ("accepted", None, None, None),
                   ("accepted", None, [], None),
                   ("accepted", None, ["duplicate_person"], None),
                   ("accepted", None, [], None),
                   ("rejected", "number_taken", None, None)]
    assert results[2]["details"]["ticket_id"] == first["ticket_id"]
    assert results[-1]["details"]["ticket_id"] == last["ticket_id"]
    # The next push counts the quota from the rows the last one inserted.
    assert qhall.issue(kiosk, "B")[1]["result"]["flags"] == ["over_quota"]
    pulled = qhall.rows(kiosk, "queue_ticket")
    with qhall.db.session() as s:
        rows = {t.id: t for t in s.scalars(select(QueueTicket))}
        assert len(rows) == 8 and set(pulled) == set(rows)
        for ticket_id, row in rows.items():
            assert pulled[ticket_id] == store.ticket_row(row), ticket_id  # published as stored
        assert rows[first["ticket_id"]].print_state == "printed"
        assert sorted(row.display for row in rows.values() if row.flags) == ["A003", "B003", "B004"]


def test_a_ticket_refused_inside_a_push_leaves_the_others_and_the_next_push_whole(qhall) -> None:  # noqa: ANN001
    kiosk, other = qhall.device("dispenser"), qhall.device("dispenser")
    foreign = qhall.lease(other, "A")
    plan = [qhall.issue_args(kiosk, "A"),
            qhall.issue_args(kiosk, "A", block=foreign, number=foreign["first"]),  # not its lease
            qhall.issue_args(kiosk, "A", business_id=9999),
            qhall.issue_args(kiosk, "A")]
    results = qhall.push_many(kiosk, [qhall.command(kiosk, "queue.issue", a) for a in plan])
    assert [(r["status"], r["code"]) for r in results] == [
        ("accepted", None), ("rejected", "number_not_leased"), ("rejected", "unknown_business"), ("accepted", None)]
    again = qhall.push_many(kiosk, [qhall.command(kiosk, "queue.issue", plan[0])])  # resent by a new command
    assert again[0]["result"]["duplicate"] is True
    with qhall.db.session() as s:
        assert sorted(s.scalars(select(QueueTicket.display))) == [plan[0]["display"], plan[3]["display"]]
