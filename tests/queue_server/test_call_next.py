"""Server-side call-next (`queue.call_next`): the server picks the window's next ticket from its own rows with
the shared rule, so windows calling at the same moment never lose a claim and never call one ticket twice.
The concurrent test runs the app under uvicorn on loopback with 8 counters pushing from their own threads
(PostgreSQL: real concurrent transactions; SQLite: serialised by its lock)."""

from __future__ import annotations

import datetime as dt
import random
import threading
import uuid

import pytest
import requests
from sqlalchemy import func, select

from server.core.settings import Settings
from server.main import create_app
from server.queue import call_next
from server.queue.models import QueueCall, QueueTicket
from shared.protocol.queue_rows import ticket_of
from shared.queue.calling import choose_next
from shared.queue.fairness import FairnessState
from shared.queue.hall_rules import rules_from_row
from tests.live import live_server
from tests.queue_server.query_plans import sqlite_plan
from tests.queue_server.support import DAY, START


def _command(qhall, dev, name: str, args: dict, sent_minutes: float = 1) -> dict:  # noqa: ANN001
    """A command stamped by the counter's HLC at START + `sent_minutes` (the server clock stays at START)."""
    command = qhall.command(dev, name, args)
    sent_ms = int((START + dt.timedelta(minutes=sent_minutes)).timestamp() * 1000)
    return {**command, "hlc": f"{sent_ms:013d}-00000-{dev.id[:8]}"}


def _call_next(qhall, dev, sent_minutes: float = 0) -> dict:  # noqa: ANN001
    args = {"call_id": str(uuid.uuid4()), "window_id": dev.window_id, "at": qhall.at(1)}
    return qhall.push_many(dev, [_command(qhall, dev, "queue.call_next", args, sent_minutes)])[0]


@pytest.mark.parametrize("call_minute", [1, 75])  # at 75 the first ones have waited past the hour
def test_the_server_calls_whom_the_shared_rule_chooses_from_its_rows(qhall, call_minute) -> None:  # noqa: ANN001
    kiosk, counter = qhall.device("dispenser"), qhall.device("workstation", 3)  # window 3: A first, then D
    for i, prefix in enumerate("DADADA"):
        qhall.issue(kiosk, prefix, minutes=i * 5)
    qhall.issue(kiosk, "A", minutes=0.6, green_reason="elderly")
    qhall.issue(kiosk, "D", minutes=25, green_reason="elderly")
    rows = qhall.rows(kiosk, "queue_ticket")
    window = next(w for w in _windows(qhall) if w.id == counter.window_id)
    rules = rules_from_row(qhall.rows(kiosk, "queue_hall_rules").get(str(qhall.hall_id))).calling
    expected = choose_next(window, [ticket_of(r) for r in rows.values()],
                           START + dt.timedelta(minutes=call_minute), FairnessState(), rules)
    args = {"call_id": str(uuid.uuid4()), "window_id": counter.window_id, "at": qhall.at(call_minute)}
    answer = qhall.push_many(counter, [_command(qhall, counter, "queue.call_next", args, sent_minutes=0)])[0]
    assert answer["status"] == "accepted", answer
    assert answer["result"]["ticket_id"] == expected.ticket.id
    assert answer["result"]["reasons"] == [r.to_dict() for r in expected.reasons]
    assert ("waited_over_max" in expected.codes) is (call_minute > 60)
    called = qhall.rows(kiosk, "queue_ticket")[expected.ticket.id]
    assert (called["state"], called["window_id"]) == ("called", counter.window_id)
    assert qhall.rows(kiosk, "queue_window")[str(counter.window_id)]["current_ticket_id"] == expected.ticket.id


@pytest.mark.parametrize("seed", range(3))
def test_a_window_calls_its_whole_line_in_the_shared_rules_order(qhall, seed) -> None:  # noqa: ANN001
    """The server seeks each business's and class's head of the line in an index (ix_queue_ticket_line), not
    in the tickets themselves; whatever the line holds — tickets of one millisecond, green-channel ones,
    overdue and fresh ones, tickets sent to this window or to another or moved to another business, tickets
    whose printing failed, businesses the window does not serve — window 3 calls, one after another until
    nobody is left, exactly whom the shared rule picks from all the hall's tickets."""
    rng = random.Random(seed)
    kiosk, counter, sender = qhall.device("dispenser"), qhall.device("workstation", 3), qhall.device("workstation", 2)
    for prefix in "ABCD":
        qhall.lease(kiosk, prefix, size=40)
    for _ in range(24):  # window 3 serves A and D; B and C are for others
        over = {"green_reason": "elderly"} if rng.random() < 0.25 else {}
        if rng.random() < 0.15:
            over["print_state"] = "printing"
        ticket_id, answer = qhall.issue(kiosk, rng.choice("AADDBC"), minutes=rng.choice(range(0, 90, 6)), **over)
        assert answer["status"] == "accepted", answer
        if over.get("print_state") and rng.random() < 0.6:
            assert qhall.push(kiosk, "queue.print", {"ticket_id": ticket_id, "outcome": "failed",
                                                  "at": qhall.at(90)})["status"] == "accepted"
    moves = [{"to_window_id": qhall.window[3]}, {"to_window_id": qhall.window[5]}, {"to_business_id": qhall.business["D"]}]
    for ticket_id, _ in (qhall.issue(kiosk, "A", minutes=m) for m in (30, 42, 54)):
        assert qhall.call(sender, ticket_id, minutes=95)["status"] == "accepted"
        moved = qhall.act(sender, "queue.transfer", ticket_id, minutes=95, **moves.pop(rng.randrange(len(moves))))
        assert moved["status"] == "accepted", moved
    window = next(w for w in _windows(qhall) if w.id == counter.window_id)
    rules = rules_from_row(qhall.rows(kiosk, "queue_hall_rules").get(str(qhall.hall_id))).calling
    at, fairness, current, called = START + dt.timedelta(minutes=100), FairnessState(), None, 0
    while True:
        tickets = [ticket_of(r) for r in qhall.rows(kiosk, "queue_ticket").values()]
        expected = choose_next(window, [t for t in tickets if t.state.value == "waiting"], at, fairness, rules)
        commands = []
        if current:
            args = {"ticket_id": current, "window_id": counter.window_id, "at": qhall.at(100)}
            commands += [qhall.command(counter, "queue.start", args), qhall.command(counter, "queue.finish", args)]
        commands.append(_command(qhall, counter, "queue.call_next", {"call_id": str(uuid.uuid4()),
                                                                     "window_id": counter.window_id,
                                                                     "at": qhall.at(100)}, sent_minutes=0))
        answer = qhall.push_many(counter, commands)[-1]
        if expected is None:
            assert (answer["status"], answer["code"]) == ("rejected", "no_ticket_waiting"), answer
            break
        assert answer["status"] == "accepted", answer
        assert answer["result"]["ticket_id"] == expected.ticket.id, (called, expected.ticket.number)
        assert answer["result"]["reasons"] == [r.to_dict() for r in expected.reasons]
        fairness, current, called = expected.fairness_after, expected.ticket.id, called + 1
    assert called >= 8  # the line was long enough to go through every kind of head


def test_the_heads_of_the_line_are_sought_in_its_index(tmp_path) -> None:  # noqa: ANN001
    """Each call asks, per business and class, the first in line and the first not overdue: seeks in
    ix_queue_ticket_line, never a read of every waiting ticket (that grew with the line: 3.3 ms per call with
    2,000 waiting); then the tickets at those instants, by the same index."""
    values = {"hall_id": 1, "day": DAY, "window_id": 3, "fresh_from_ms": 0, "businesses": [1, 4]}
    heads = sqlite_plan(tmp_path / "heads", call_next._HEADS, **values)
    assert heads.count("USING INDEX ix_queue_ticket_line") == 2 and "SCAN queue_ticket" not in heads, heads
    at = sqlite_plan(tmp_path / "at", call_next._AT_INSTANTS, **values, instants=[1, 2])
    assert "USING INDEX ix_queue_ticket_line" in at and "line_ms=?" in at and "SCAN queue_ticket" not in at, at


def test_a_busy_window_an_empty_queue_and_a_stale_request_are_refused(qhall) -> None:  # noqa: ANN001
    kiosk, counter = qhall.device("dispenser"), qhall.device("workstation", 2)
    assert _call_next(qhall, counter)["code"] == "no_ticket_waiting"
    qhall.issue(kiosk, "A")
    qhall.issue(kiosk, "A")
    assert _call_next(qhall, counter)["status"] == "accepted"
    assert _call_next(qhall, counter)["code"] == "window_busy"
    late = _call_next(qhall, counter, sent_minutes=-1)  # sent a minute before the server got it
    assert (late["status"], late["code"]) == ("rejected", "call_next_stale")


def test_the_answer_carries_the_rows_a_pull_would_bring_and_a_replay_calls_nobody_else(qhall) -> None:  # noqa: ANN001
    """The counter overlays the answer's rows at once (no pull waited for); sending the same command again —
    a response lost after commit — answers the stored result: the same ticket, still called once."""
    kiosk, counter = qhall.device("dispenser"), qhall.device("workstation", 2)
    first, _ = qhall.issue(kiosk, "A")
    second, _ = qhall.issue(kiosk, "A", minutes=0.5)
    args = {"call_id": str(uuid.uuid4()), "window_id": counter.window_id, "at": qhall.at(1)}
    command = _command(qhall, counter, "queue.call_next", args, sent_minutes=0)
    answer = qhall.push_many(counter, [command])[0]
    assert (answer["status"], answer["result"]["ticket_id"]) == ("accepted", first)
    pulled = {(t, pk): row for t in ("queue_ticket", "queue_window", "queue_call")
              for pk, row in qhall.rows(counter, t).items()}
    carried = {(r["table"], r["pk"]): r["row"] for r in answer["result"]["rows"]}
    assert {("queue_ticket", first), ("queue_window", str(counter.window_id)), ("queue_call", args["call_id"])} \
        <= set(carried)
    assert all(pulled[key] == row for key, row in carried.items() if key in pulled)
    assert (carried[("queue_ticket", first)]["state"], carried[("queue_ticket", first)]["window_id"]) == \
        ("called", counter.window_id)
    again = qhall.push_many(counter, [command])[0]
    assert again["replayed"] and again["result"] == answer["result"]
    other = qhall.push_many(counter, [{**command, "seq": command["seq"] + 1}])[0]  # the same id at a new seq
    assert (other["status"], other["code"]) == ("rejected", "command_id_reused")
    with qhall.db.session() as s:
        assert s.scalars(select(QueueCall.ticket_id)).all() == [first]
        assert s.get(QueueTicket, second).state == "waiting"


def test_eight_windows_calling_at_once_lose_no_claim_and_call_no_ticket_twice(qhall, database, qclock) -> None:  # noqa: ANN001
    kiosk = qhall.device("dispenser")
    counters = [qhall.device("workstation", n) for n in range(1, 9)]
    tickets = [qhall.issue(kiosk, prefix, minutes=i * 0.01)[0] for i, prefix in enumerate("AADDCCBE" * 5)]
    waiting = {pk: ticket_of(r) for pk, r in qhall.rows(kiosk, "queue_ticket").items()}  # as the calls begin
    app = create_app(Settings(migrate_on_start=False, password_iterations=1000), database=database, clock=qclock)
    answers: dict[int, list[dict]] = {c.window_id: [] for c in counters}
    gate = threading.Barrier(len(counters))

    def window(dev) -> None:  # noqa: ANN001
        http, current = requests.Session(), None
        gate.wait()
        while True:
            commands = []
            if current:
                args = {"ticket_id": current, "window_id": dev.window_id, "at": qhall.at(1)}
                commands += [qhall.command(dev, "queue.start", args), qhall.command(dev, "queue.finish", args)]
            commands.append(_command(qhall, dev, "queue.call_next", {"call_id": str(uuid.uuid4()),
                                                                     "window_id": dev.window_id, "at": qhall.at(1)},
                                     sent_minutes=0))
            r = http.post(base + "/api/v1/sync/push", headers=dev.headers, timeout=60,
                          json={"device": dev.id, "protocol_version": 1, "commands": commands})
            r.raise_for_status()
            results = r.json()["results"]
            assert all(x["status"] == "accepted" for x in results[:-1]), results
            answers[dev.window_id].append(results[-1])
            if results[-1]["status"] != "accepted":
                return
            current = results[-1]["result"]["ticket_id"]

    with live_server(app) as base:
        threads = [threading.Thread(target=window, args=(c,)) for c in counters]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
    codes = [a["code"] for per_window in answers.values() for a in per_window if a["status"] != "accepted"]
    assert codes == ["no_ticket_waiting"] * len(counters)  # each window stops only when nobody is left
    _assert_the_shared_order(qhall, kiosk, waiting, answers)
    called = [a["result"]["ticket_id"] for per_window in answers.values() for a in per_window
              if a["status"] == "accepted"]
    assert sorted(called) == sorted(tickets)  # every ticket called once, none twice, no claim lost
    with database.session() as s:
        assert s.scalar(select(func.count()).select_from(QueueCall).where(QueueCall.accepted.is_(False))) == 0
        assert s.scalar(select(func.count(QueueCall.ticket_id.distinct()))) == len(tickets)
        per_ticket = s.execute(select(QueueCall.ticket_id, func.count()).group_by(QueueCall.ticket_id)).all()
        assert {n for _, n in per_ticket} == {1}
        states = s.scalars(select(QueueTicket.state).where(QueueTicket.id.in_(tickets))).all()
    assert states == ["finished"] * len(tickets)  # each served in turn, the last one with the final request


def _windows(qhall):  # noqa: ANN001, ANN202
    from client.services.reference import load_reference
    return list(load_reference(qhall.db.engine).windows.values())


def _assert_the_shared_order(qhall, kiosk, waiting: dict, answers: dict[int, list[dict]]) -> None:  # noqa: ANN001
    """Replayed in the server's commit order (each call's change cursor), every call chose what the shared rule
    chooses for that window from the tickets still waiting then, with the window's place in the fairness cycle."""
    rules = rules_from_row(qhall.rows(kiosk, "queue_hall_rules").get(str(qhall.hall_id))).calling
    windows = {w.id: w for w in _windows(qhall)}
    calls = sorted((a["server_seq"], window_id, a["result"]["ticket_id"])
                   for window_id, per_window in answers.items() for a in per_window if a["status"] == "accepted")
    fairness = {w: FairnessState() for w in answers}
    at = START + dt.timedelta(minutes=1)
    for _, window_id, called in calls:
        expected = choose_next(windows[window_id], waiting.values(), at, fairness[window_id], rules)
        assert expected is not None and expected.ticket.id == called, (window_id, called)
        fairness[window_id] = expected.fairness_after
        del waiting[called]
    assert not waiting
