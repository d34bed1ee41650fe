import pytest

from shared.queue import desk
from shared.queue import lifecycle as lc
from shared.queue.config import Window, WindowService
from shared.queue.errors import CallRefused
from shared.queue.fairness import FairnessState
from shared.queue.rules import CallingRules
from shared.queue.tickets import TicketState
from tests.queue.builders import APPT, at, ticket, window

RULES = CallingRules()
W1 = window(1, (1, 1))


def _refusal(fn) -> str:
    with pytest.raises(CallRefused) as info:
        fn()
    return info.value.code


def test_call_next_calls_and_advances_the_fairness_cycle() -> None:
    tickets = [ticket("A001", minute=0), ticket("A002", minute=1, cls=APPT)]
    result = desk.call_next(W1, desk.WindowStatus(1), tickets, at(2), RULES, clerk_id="c1")
    assert result.ticket.number == "A002" and result.ticket.state is TicketState.CALLED
    assert result.ticket.clerk_id == "c1" and result.ticket.window_id == 1
    assert result.status.fairness == FairnessState(1, 0)


def test_paused_window_does_not_call_until_resumed() -> None:
    status = desk.pause(desk.WindowStatus(1), at(5))
    assert status.paused and status.paused_since == at(5)
    assert _refusal(lambda: desk.call_next(W1, status, [ticket("A001")], at(6), RULES)) == "window_paused"
    assert _refusal(lambda: desk.pause(status, at(6))) == "window_already_paused"
    resumed = desk.resume(status)
    assert desk.call_next(W1, resumed, [ticket("A001")], at(7), RULES).ticket.number == "A001"
    assert _refusal(lambda: desk.resume(resumed)) == "window_not_paused"


def test_a_busy_window_must_deal_with_its_ticket_first() -> None:
    current = lc.call(ticket("A001"), W1, at(1))
    waiting = ticket("A002", minute=0.5)
    assert _refusal(lambda: desk.call_next(W1, desk.WindowStatus(1), [current, waiting], at(2), RULES)) \
        == "window_busy"
    held = lc.hold(current, at(3))          # a held ticket does not block the window
    assert desk.call_next(W1, desk.WindowStatus(1), [held, waiting], at(4), RULES).ticket.number == "A002"


def test_empty_queue_and_inactive_window() -> None:
    assert _refusal(lambda: desk.call_next(W1, desk.WindowStatus(1), [], at(1), RULES)) == "no_ticket_waiting"
    closed = Window(1, 1, (WindowService(1),), active=False)
    assert _refusal(lambda: desk.call_next(closed, desk.WindowStatus(1), [ticket("A1")], at(1), RULES)) \
        == "window_inactive"


def test_call_specific_out_of_order_is_explained_and_counted() -> None:
    first, second = ticket("A001", minute=0), ticket("A002", minute=1)
    result = desk.call_specific(W1, desk.WindowStatus(1), second, [first, second], at(2), RULES)
    assert result.ticket.number == "A002"
    assert result.decision.reasons[0].to_dict() == {"code": "called_specifically", "ticket": "A002"}
    assert result.status.fairness == FairnessState(0, 1)


def test_call_back_needs_a_free_window() -> None:
    held = lc.hold(lc.call(ticket("A001"), W1, at(1)), at(2))
    busy = lc.call(ticket("A002"), W1, at(3))
    assert _refusal(lambda: desk.call_back(W1, desk.WindowStatus(1), held, [held, busy], at(4))) == "window_busy"
    assert desk.call_back(W1, desk.WindowStatus(1), held, [held], at(4)).state is TicketState.CALLED
