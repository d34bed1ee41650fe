import pytest

from shared.queue import lifecycle as lc
from shared.queue.errors import CallRefused, WrongTicketState
from shared.queue.rules import CallingRules
from shared.queue.tickets import PeriodKind, TicketState
from shared.queue.timing import first_wait, service_time, time_in
from tests.queue.builders import at, ticket, window

RULES = CallingRules(recall_limit=3, no_show_after_recalls=2)
W1 = window(1, (1, 1))
W2 = window(2, (2, 1))
W3 = window(3, (1, 1), (2, 1))


def test_full_path_records_exact_waiting_and_service_times() -> None:
    t = ticket("A001", minute=0)
    t = lc.call(t, W1, at(12), clerk_id="c7")
    t = lc.start_service(t, at(13))
    t = lc.finish(t, at(21.5))
    assert t.state is TicketState.FINISHED and t.window_id == 1 and t.clerk_id == "c7"
    assert [p.kind for p in t.periods] == [PeriodKind.WAITING, PeriodKind.CALLED, PeriodKind.SERVING]
    assert first_wait(t) == at(12) - at(0)
    assert time_in(t, PeriodKind.CALLED) == at(13) - at(12)
    assert service_time(t) == at(21.5) - at(13)
    assert t.current_period is None


@pytest.mark.parametrize("action", [
    lambda t: lc.finish(t, at(1)),
    lambda t: lc.start_service(t, at(1)),
    lambda t: lc.recall(t, RULES, at(1)),
    lambda t: lc.hold(t, at(1)),
    lambda t: lc.mark_no_show(t, RULES, at(1)),
    lambda t: lc.call_back(t, W1, at(1)),
])
def test_actions_on_a_waiting_ticket_are_refused_with_a_code(action) -> None:
    with pytest.raises(WrongTicketState) as info:
        action(ticket("A001"))
    assert info.value.code == "wrong_ticket_state"
    assert info.value.details["state"] == "waiting"


def test_finished_ticket_cannot_be_called_or_cancelled() -> None:
    t = lc.finish(lc.start_service(lc.call(ticket("A001"), W1, at(1)), at(2)), at(3))
    for action in (lambda: lc.call(t, W1, at(4)), lambda: lc.cancel(t, at(4))):
        with pytest.raises(WrongTicketState):
            action()


def test_a_window_can_only_call_its_businesses() -> None:
    with pytest.raises(CallRefused) as info:
        lc.call(ticket("A001", business=1), W2, at(1))
    assert info.value.code == "window_does_not_serve_business"


def test_recall_limit_then_no_show() -> None:
    t = lc.call(ticket("A001"), W1, at(1))
    with pytest.raises(CallRefused) as early:
        lc.mark_no_show(t, RULES, at(2))
    assert early.value.code == "no_show_too_early"
    for _ in range(3):
        t = lc.recall(t, RULES, at(2))
    assert t.recalls == 3
    with pytest.raises(CallRefused) as limit:
        lc.recall(t, RULES, at(3))
    assert limit.value.code == "recall_limit_reached"
    gone = lc.mark_no_show(t, RULES, at(4))
    assert gone.state is TicketState.NO_SHOW
    assert time_in(gone, PeriodKind.CALLED) == at(4) - at(1)


def test_hold_and_call_back_only_at_the_holding_window() -> None:
    t = lc.start_service(lc.call(ticket("A001"), W1, at(1)), at(2))
    held = lc.hold(t, at(5))
    assert held.state is TicketState.HELD and held.window_id == 1
    with pytest.raises(CallRefused) as info:
        lc.call_back(held, W3, at(9))
    assert info.value.code == "ticket_held_by_other_window"
    back = lc.start_service(lc.call_back(held, W1, at(9)), at(10))
    done = lc.finish(back, at(14))
    assert time_in(done, PeriodKind.HELD) == at(9) - at(5)
    assert service_time(done) == (at(5) - at(2)) + (at(14) - at(10))


def test_transfer_to_another_business_keeps_the_original_place() -> None:
    t = lc.start_service(lc.call(ticket("A001", minute=3), W1, at(10)), at(11))
    moved = lc.transfer(t, at(15), RULES, to_business_id=2)
    assert moved.state is TicketState.WAITING and moved.business_id == 2
    assert moved.queue_key == t.issued_at and moved.transfers == 1
    assert moved.window_id is None and moved.target_window_id is None
    assert moved.periods[-1].kind is PeriodKind.TRANSFERRED


def test_transfer_to_the_back_when_configured() -> None:
    rules = CallingRules(transfer_keeps_place=False)
    t = lc.call(ticket("A001", minute=3), W1, at(10))
    later = ticket("X", minute=15).issued_at
    assert lc.transfer(t, at(15), rules, to_business_id=2, new_queue_key=later).queue_key == later
    with pytest.raises(ValueError):
        lc.transfer(t, at(15), rules, to_business_id=2)


def test_transfer_to_a_window_reserves_the_ticket_for_it() -> None:
    t = lc.call(ticket("A001"), W1, at(1))
    moved = lc.transfer(t, at(2), RULES, to_window=W3)
    assert moved.target_window_id == 3 and moved.business_id == 1
    with pytest.raises(CallRefused) as info:
        lc.call(moved, W1, at(3))
    assert info.value.code == "ticket_reserved_for_other_window"
    assert lc.call(moved, W3, at(3)).window_id == 3


def test_transfer_needs_a_real_destination() -> None:
    t = lc.call(ticket("A001"), W1, at(1))
    with pytest.raises(CallRefused) as same:
        lc.transfer(t, at(2), RULES)
    assert same.value.code == "transfer_needs_destination"
    with pytest.raises(CallRefused) as wrong:
        lc.transfer(t, at(2), RULES, to_business_id=2, to_window=W1)
    assert wrong.value.code == "window_does_not_serve_business"


def test_cancel_closes_the_open_period() -> None:
    t = lc.cancel(ticket("A001"), at(20))
    assert t.state is TicketState.CANCELLED and time_in(t, PeriodKind.WAITING) == at(20) - at(0)
    assert first_wait(t) is None                      # never called


def test_events_cannot_go_back_in_time() -> None:
    t = lc.call(ticket("A001", minute=10), W1, at(20))
    with pytest.raises(ValueError):
        lc.start_service(t, at(19))


def test_a_waiting_ticket_can_be_moved_to_another_business_keeping_its_place() -> None:
    t = ticket("A001", minute=2)
    moved = lc.transfer(t, at(9), RULES, to_business_id=2)
    assert moved.state is TicketState.WAITING and moved.business_id == 2 and moved.queue_key == t.issued_at
    assert [p.kind for p in moved.periods] == [PeriodKind.WAITING, PeriodKind.TRANSFERRED]
    assert first_wait(moved) is None and first_wait(moved, at(12)) == at(12) - at(2)
    called = lc.call(moved, window(2, (2, 1)), at(15))
    assert first_wait(called) == at(15) - at(2)       # both lines count
