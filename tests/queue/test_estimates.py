import datetime as dt

from shared.queue import lifecycle as lc
from shared.queue.desk import WindowStatus
from shared.queue.estimates import (estimate_wait, mean_service_time, near_call_intents, people_ahead,
                                    predicted_order, wait_estimates)
from shared.queue.rules import CallingRules, EstimateRules
from tests.queue.builders import APPT, at, ticket, window

RULES = CallingRules(max_wait_minutes=120, near_call_threshold=2)
W1, W2 = window(1, (1, 1)), window(2, (1, 1), (2, 1))


def test_people_ahead_follows_the_calling_rules() -> None:
    tickets = [ticket("N1", minute=0), ticket("N2", minute=1), ticket("P1", minute=2, cls=APPT),
               ticket("N3", minute=3)]
    ahead = people_ahead([W1], {}, tickets, at(5), RULES)
    # one window, 1:2 ratio: P1 first, then N1, N2, then N3
    assert ahead == {"id-P1": 0, "id-N1": 1, "id-N2": 2, "id-N3": 3}


def test_people_ahead_counts_only_windows_that_may_call_the_ticket() -> None:
    w_b = window(3, (2, 1))
    tickets = [ticket("A1", minute=0), ticket("B1", business=2, minute=1), ticket("B2", business=2, minute=2),
               ticket("A2", minute=3)]
    order = predicted_order([W1, w_b], {}, tickets, at(5), RULES)
    assert [c.window_id for c in order] == [1, 3, 1, 3]
    assert people_ahead([W1, w_b], {}, tickets, at(5), RULES) == {"id-A1": 0, "id-B1": 0, "id-A2": 1, "id-B2": 1}


def test_paused_window_is_not_counted_and_no_open_window_means_unknown() -> None:
    tickets = [ticket("A1"), ticket("B1", business=2)]
    statuses = {2: WindowStatus(2, paused=True, paused_since=at(0))}
    ahead = people_ahead([W1, W2], statuses, tickets, at(1), RULES)
    assert ahead == {"id-A1": 0, "id-B1": None}
    estimate = estimate_wait(tickets[1], ahead["id-B1"], [W1, W2], statuses, dt.timedelta(minutes=8))
    assert estimate.open_windows == 0 and estimate.estimated_wait is None


def test_estimated_wait_is_people_ahead_over_open_windows_times_mean_service() -> None:
    t = ticket("A9")
    estimate = estimate_wait(t, 6, [W1, W2], {}, dt.timedelta(minutes=10))
    assert estimate.open_windows == 2 and estimate.estimated_wait == dt.timedelta(minutes=30)
    assert estimate_wait(t, 0, [W1], {}, dt.timedelta(minutes=10)).estimated_wait == dt.timedelta(0)


def _served(number: str, start: float, minutes: float):
    t = lc.start_service(lc.call(ticket(number, minute=start), W1, at(start)), at(start))
    return lc.finish(t, at(start + minutes))


def test_mean_service_time_is_rolling_with_a_default_before_data() -> None:
    rules = EstimateRules(default_service_minutes=12, sample_size=2)
    assert mean_service_time([], 1, rules) == dt.timedelta(minutes=12)
    done = [_served("A1", 0, 20), _served("A2", 30, 4), _served("A3", 40, 6), ticket("A4")]
    assert mean_service_time(done, 1, rules) == dt.timedelta(minutes=5)   # last two only
    assert mean_service_time(done, 2, rules) == dt.timedelta(minutes=12)


def test_near_call_intent_is_emitted_once_per_ticket() -> None:
    tickets = [ticket(f"N{i}", minute=i) for i in range(5)]
    ahead = people_ahead([W1], {}, tickets, at(10), RULES)
    intents, notified = near_call_intents(tickets, ahead, RULES, frozenset())
    assert [(i.ticket_number, i.people_ahead) for i in intents] == [("N0", 0), ("N1", 1), ("N2", 2)]
    # N0 is called; N3 reaches the threshold, the others were already told
    rest = [lc.call(tickets[0], W1, at(11)), *tickets[1:]]
    again, notified = near_call_intents(rest, people_ahead([W1], {}, rest, at(11), RULES), RULES, notified)
    assert [i.ticket_number for i in again] == ["N3"]
    assert near_call_intents(rest, people_ahead([W1], {}, rest, at(11), RULES), RULES, notified)[0] == []


def test_wait_estimates_for_the_whole_hall() -> None:
    rules = EstimateRules(default_service_minutes=10)
    done = _served("A0", 0, 6)                                  # business 1 has served one in 6 min
    tickets = [done, ticket("A1", minute=1), ticket("A2", minute=2), ticket("A3", minute=3),
               ticket("B1", business=2, minute=1)]
    estimates = wait_estimates([W1, W2], {}, tickets, at(10), RULES, rules)
    assert set(estimates) == {"id-A1", "id-A2", "id-A3", "id-B1"}
    # windows 1 and 2 call in turn: W1→A1, W2→B1, W1→A2, W2→A3. Both windows may call A3, so A1, B1 and
    # A2 are ahead of it (B1 takes window 2's time); 3 ÷ 2 windows × 6 min = 9 min
    a3 = estimates["id-A3"]
    assert (a3.people_ahead, a3.open_windows, a3.mean_service) == (3, 2, dt.timedelta(minutes=6))
    assert a3.estimated_wait == dt.timedelta(minutes=9)
    b1 = estimates["id-B1"]
    assert (b1.people_ahead, b1.open_windows, b1.estimated_wait) == (0, 1, dt.timedelta(0))
