"""Property tests of choose_next and people-ahead on random queues (Hypothesis)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from shared.queue import desk
from shared.queue import lifecycle as lc
from shared.queue.calling import choose_next, contenders, is_overdue, may_call
from shared.queue.estimates import people_ahead
from shared.queue.fairness import FairnessState
from shared.queue.rules import CallingRules, FairnessRatio
from shared.queue.tickets import PriorityClass, Ticket
from tests.queue.builders import at, ticket, window

SETTINGS = settings(max_examples=80, deadline=None)
RULES = CallingRules(max_wait_minutes=30, fairness=FairnessRatio(1, 2))
ALL_WINDOWS = [window(1, (1, 1)), window(2, (1, 2), (2, 1)), window(3, (2, 1), (3, 2)), window(4, (3, 1))]


@st.composite
def queues(draw: st.DrawFn, max_size: int = 14) -> list[Ticket]:
    specs = draw(st.lists(st.tuples(st.sampled_from([1, 2, 3]), st.sampled_from(list(PriorityClass)),
                                    st.integers(0, 60), st.sampled_from(["K1", "K2"])), max_size=max_size))
    return [ticket(f"T{i:02}", business=b, cls=c, minute=m, device=d, seq=i)
            for i, (b, c, m, d) in enumerate(specs)]


fairness_states = st.builds(FairnessState, st.integers(0, 1), st.integers(0, 2))


@SETTINGS
@given(queues(), st.sampled_from(ALL_WINDOWS), fairness_states, st.integers(0, 90))
def test_overdue_ticket_is_never_skipped_for_a_lower_class(tickets, win, fairness, now_minute) -> None:
    now = at(now_minute)
    decision = choose_next(win, tickets, now, fairness, RULES)
    candidates = [t for t in tickets if may_call(win, t)]
    if not candidates:
        assert decision is None
        return
    assert decision is not None and decision.ticket in candidates          # only its own businesses
    overdue = [t for t in candidates if is_overdue(t, now, RULES)]
    if overdue:
        assert is_overdue(decision.ticket, now, RULES)
        assert all(decision.ticket.priority_class <= t.priority_class for t in overdue)


@SETTINGS
@given(queues(), st.sampled_from(ALL_WINDOWS), fairness_states)
def test_within_the_chosen_class_and_business_level_nobody_earlier_is_skipped(tickets, win, fairness) -> None:
    decision = choose_next(win, tickets, at(10), fairness, RULES)   # nobody overdue at minute 10 + 30
    if decision is None:
        return
    chosen = decision.ticket
    peers = [t for t in tickets if may_call(win, t) and t.priority_class is chosen.priority_class
             and win.level_of(t.business_id) == win.level_of(chosen.business_id)]
    assert chosen.queue_key == min(t.queue_key for t in peers)


@SETTINGS
@given(queues(max_size=12), st.lists(st.sampled_from(ALL_WINDOWS), min_size=1, max_size=3, unique=True),
       st.integers(60, 100))
def test_people_ahead_matches_the_actual_call_order(tickets, windows, now_minute) -> None:
    """Nothing else arrives; the open windows call in turn (by number) and serve at once."""
    now = at(now_minute)   # after every issue (minutes 0-60): some tickets overdue, some not
    windows = sorted(windows, key=lambda w: w.number)
    ahead = people_ahead(windows, {}, tickets, now, RULES)
    assert all(n is None or n >= 0 for n in ahead.values())
    pool = {t.id: t for t in tickets}
    status = {w.id: desk.WindowStatus(w.id) for w in windows}
    served_by: dict[str, int] = {}
    calls: list[tuple[int, str]] = []
    progress = True
    while progress:
        progress = False
        for w in windows:
            decision = choose_next(w, pool.values(), now, status[w.id].fairness, RULES)
            if decision is None:
                continue
            result = desk.call_next(w, status[w.id], pool.values(), now, RULES)
            status[w.id] = result.status
            pool[result.ticket.id] = lc.finish(lc.start_service(result.ticket, now), now)
            served_by[result.ticket.id] = w.id
            calls.append((w.id, result.ticket.id))
            progress = True
    by_window = {w.id: w for w in windows}
    for index, (_, ticket_id) in enumerate(calls):
        t = next(t for t in tickets if t.id == ticket_id)
        before = sum(1 for wid, _ in calls[:index] if may_call(by_window[wid], t))
        assert ahead[ticket_id] == before
    never_called = {t.id for t in tickets} - set(served_by)
    assert all(ahead[tid] is None for tid in never_called)
    assert not any(may_call(w, t) for w in windows for t in tickets if t.id in never_called)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 3), st.integers(1, 3), st.integers(3, 12))
def test_fairness_ratio_is_exact_while_both_kinds_wait(p, n, cycles) -> None:
    rules = CallingRules(max_wait_minutes=100_000, fairness=FairnessRatio(p, n))
    win = window(1, (1, 1))
    size = (p + n) * cycles
    pool = {t.id: t for t in [ticket(f"N{i:03}", minute=i / 10, seq=i) for i in range(size)]
            + [ticket(f"P{i:03}", minute=i / 10, seq=i, cls=PriorityClass.GREEN_CHANNEL) for i in range(size)]}
    fairness, kinds = FairnessState(), []
    for _ in range(size):
        decision = choose_next(win, pool.values(), at(60), fairness, rules)
        fairness = decision.fairness_after
        kinds.append(decision.ticket.priority_class.is_priority)
        del pool[decision.ticket.id]
    for start in range(0, size, p + n):
        assert kinds[start:start + p + n] == [True] * p + [False] * n


def test_a_minute_more_makes_the_difference_for_escalation() -> None:
    t = ticket("N1", minute=0)
    assert not is_overdue(t, at(30), RULES) and is_overdue(t, at(30) + dt.timedelta(milliseconds=1), RULES)


@SETTINGS
@given(queues(max_size=14), st.lists(st.sampled_from(ALL_WINDOWS), min_size=1, max_size=3, unique=True),
       st.integers(60, 100), st.integers(0, 4))
def test_people_ahead_up_to_a_bound_agrees_with_the_full_count(tickets, windows, now_minute, bound) -> None:
    """The near-call scan stops replaying once nobody else can be within the threshold: every ticket within
    it has its exact count, and every ticket left out has more than the bound ahead."""
    now = at(now_minute)
    full = people_ahead(windows, {}, tickets, now, RULES)
    bounded = people_ahead(windows, {}, tickets, now, RULES, up_to=bound)
    for ticket_id, n in full.items():
        if n is not None and n <= bound:
            assert bounded[ticket_id] == n
        if ticket_id in bounded:
            assert bounded[ticket_id] == n
        else:
            assert n is None or n > bound


@SETTINGS
@given(queues(max_size=20), st.sampled_from(ALL_WINDOWS), fairness_states, st.integers(0, 120))
def test_the_contenders_alone_give_the_same_decision_and_reasons(tickets, win, fairness, now_minute) -> None:
    """What the server's call-next loads (calling.contenders: per business and class the first in line and
    the first not overdue) decides exactly as the whole queue, explanation included."""
    now = at(now_minute)
    callable_ = [t for t in tickets if may_call(win, t)]
    picked = contenders((((t.business_id, t.priority_class), (t.queue_key, t.id), t.id) for t in callable_), now,
                        RULES)
    assert choose_next(win, [t for t in tickets if t.id in picked], now, fairness, RULES) == \
        choose_next(win, tickets, now, fairness, RULES)
