import dataclasses

from shared.queue import lifecycle as lc
from shared.queue.calling import choose_next
from shared.queue.fairness import FairnessState
from shared.queue.rules import CallingRules, FairnessRatio
from shared.queue.tickets import TicketState
from tests.queue.builders import APPT, GREEN, NORMAL, at, ticket, window

RULES = CallingRules(max_wait_minutes=30, fairness=FairnessRatio(1, 2))
W1 = window(1, (1, 1))


def _run(win, tickets, now, rules=RULES, fairness=FairnessState(), steps=None):
    """Call repeatedly at one window (nothing else arrives); return the numbers in call order."""
    pool, order = list(tickets), []
    for _ in range(steps or len(pool)):
        decision = choose_next(win, pool, now, fairness, rules)
        if decision is None:
            break
        fairness = decision.fairness_after
        order.append(decision.ticket.number)
        pool = [t for t in pool if t.id != decision.ticket.id]     # called: out of the waiting line
    return order


def test_issue_time_decides_within_a_class_not_the_printed_number() -> None:
    # A900 comes from an offline reserve block but was issued first.
    tickets = [ticket("A002", minute=5), ticket("A900", minute=1, device="K2"), ticket("A001", minute=3)]
    decision = choose_next(W1, tickets, at(10), FairnessState(), RULES)
    assert decision is not None and decision.ticket.number == "A900"
    assert decision.codes[-1] == "earliest_in_line"


def test_same_millisecond_breaks_ties_by_logical_counter_device_and_seq() -> None:
    a = ticket("A005", device="K2", seq=1)
    b = ticket("A004", device="K1", seq=9)
    assert choose_next(W1, [a, b], at(1), FairnessState(), RULES).ticket.number == "A004"


def test_on_time_appointment_goes_first_and_says_why() -> None:
    tickets = [ticket("A001", minute=0), ticket("A002", minute=1, cls=APPT)]
    decision = choose_next(W1, tickets, at(5), FairnessState(), RULES)
    assert decision.ticket.number == "A002"
    assert decision.to_dict() == {
        "window": 1, "ticket": "A002", "ticket_id": "id-A002", "class": 1,
        "reasons": [{"code": "fairness_turn", "turn": "priority", "ratio": "1:2"},
                    {"code": "appointment_on_time", "class": 1},
                    {"code": "earliest_in_line", "issued_ms": decision.ticket.queue_key.physical_ms},
                    {"code": "passed_over", "ticket": "A001", "class": 3}]}


def test_appointments_before_green_channel_inside_the_priority_share() -> None:
    tickets = [ticket("G1", minute=0, cls=GREEN), ticket("P1", minute=2, cls=APPT)]
    assert choose_next(W1, tickets, at(5), FairnessState(), RULES).ticket.number == "P1"


def test_fairness_one_priority_two_normal() -> None:
    tickets = ([ticket(f"N{i}", minute=i) for i in range(4)]
               + [ticket(f"P{i}", minute=i, cls=APPT) for i in range(2)])
    assert _run(W1, tickets, at(10)) == ["P0", "N0", "N1", "P1", "N2", "N3"]


def test_only_walk_ins_waiting_are_called_without_idling() -> None:
    decision = choose_next(W1, [ticket("N1")], at(1), FairnessState(), RULES)
    assert decision.ticket.number == "N1" and "only_other_kind_waiting" in decision.codes
    assert "passed_over" not in decision.codes


def test_fairness_ratio_holds_over_a_long_sequence() -> None:
    rules = CallingRules(max_wait_minutes=10_000, fairness=FairnessRatio(1, 2))
    tickets = ([ticket(f"N{i:03}", minute=i * 0.1, seq=i) for i in range(200)]
               + [ticket(f"P{i:03}", minute=i * 0.1, cls=APPT, seq=i) for i in range(200)])
    order = _run(W1, tickets, at(60), rules, steps=300)
    assert sum(n.startswith("P") for n in order) == 100
    for start in range(0, 300, 3):                   # every cycle: exactly one priority call
        assert sum(n.startswith("P") for n in order[start:start + 3]) == 1
    assert order[:6] == ["P000", "N000", "N001", "P001", "N002", "N003"]


def test_other_ratio_two_priority_one_normal() -> None:
    rules = CallingRules(fairness=FairnessRatio(2, 1), max_wait_minutes=10_000)
    tickets = ([ticket(f"N{i}", minute=i) for i in range(3)]
               + [ticket(f"P{i}", minute=i, cls=GREEN) for i in range(6)])
    assert _run(W1, tickets, at(20), rules, steps=6) == ["P0", "P1", "N0", "P2", "P3", "N1"]


def test_business_levels_first_level_then_second() -> None:
    win = window(5, (1, 2), (2, 1))     # business 2 first at this window
    tickets = [ticket("A001", business=1, minute=0), ticket("B001", business=2, minute=4)]
    decision = choose_next(win, tickets, at(5), FairnessState(), RULES)
    assert decision.ticket.number == "B001"
    assert decision.reasons[0].to_dict() == {"code": "business_level", "business": 2, "level": 1}


def test_max_wait_escalation_lets_a_second_level_business_through() -> None:
    win = window(5, (1, 1), (2, 2))
    b = ticket("B011", business=2, minute=0)
    fresh = [ticket(f"A{i:03}", business=1, minute=30 + i) for i in range(5)]
    decision = choose_next(win, [b, *fresh], at(31), FairnessState(), RULES)
    assert decision.ticket.number == "B011"
    assert decision.reasons[0].to_dict() == {"code": "waited_over_max", "ticket": "B011", "minutes": 31,
                                             "max_minutes": 30}
    assert decision.reasons[-1].to_dict() == {"code": "passed_over", "ticket": "A000", "class": 3}
    # exactly at the maximum it is not yet overdue
    assert choose_next(win, [b, *fresh], at(30), FairnessState(), RULES).ticket.number == "A000"


def test_overdue_walk_in_beats_fresh_appointment_even_on_the_priority_turn() -> None:
    old = ticket("N1", minute=0)
    appt = ticket("P1", minute=40, cls=APPT)
    decision = choose_next(W1, [old, appt], at(45), FairnessState(), RULES)
    assert decision.ticket.number == "N1" and decision.codes[0] == "waited_over_max"


def test_among_overdue_the_higher_class_goes_first() -> None:
    tickets = [ticket("N1", minute=0), ticket("G1", minute=5, cls=GREEN)]
    assert choose_next(W1, tickets, at(50), FairnessState(0, 2), RULES).ticket.number == "G1"


def test_transferred_ticket_keeps_its_place_in_the_new_business() -> None:
    w2 = window(2, (2, 1))
    early = ticket("A001", business=1, minute=0)
    moved = lc.transfer(lc.call(early, W1, at(3)), at(6), RULES, to_business_id=2)
    b_tickets = [ticket("B001", business=2, minute=1), ticket("B002", business=2, minute=2)]
    assert choose_next(w2, [*b_tickets, moved], at(7), FairnessState(), RULES).ticket.number == "A001"


def test_only_waiting_tickets_of_served_businesses_are_candidates() -> None:
    called = lc.call(ticket("A001"), W1, at(1))
    other = ticket("C001", business=3)
    assert choose_next(W1, [called, other], at(2), FairnessState(), RULES) is None
    reserved = dataclasses.replace(ticket("A002"), target_window_id=9)
    assert choose_next(W1, [reserved], at(2), FairnessState(), RULES) is None
    assert called.state is TicketState.CALLED
