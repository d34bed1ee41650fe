import pytest

from shared.queue import lifecycle as lc
from shared.queue.rules import CallingRules
from shared.queue.tickets import PeriodKind
from shared.queue.timing import finished_at, first_wait, service_time, time_in
from tests.queue.builders import at, ticket, window

W1, W2 = window(1, (1, 1)), window(2, (2, 1))


def test_open_periods_are_measured_up_to_now() -> None:
    t = ticket("A001", minute=0)
    assert first_wait(t) is None and first_wait(t, at(7)) == at(7) - at(0)
    assert time_in(t, PeriodKind.WAITING, at(7)) == at(7) - at(0)
    with pytest.raises(ValueError):
        time_in(t, PeriodKind.WAITING)          # an open period needs `now`


def test_a_transferred_visit_splits_into_exact_periods() -> None:
    t = lc.start_service(lc.call(ticket("A001", minute=0), W1, at(10)), at(11))      # waits 10, called 1
    t = lc.transfer(t, at(20), CallingRules(), to_business_id=2)                        # served 9
    t = lc.start_service(lc.call(t, W2, at(26)), at(28))                                # waits 6, called 2
    t = lc.finish(t, at(40))                                                             # served 12
    assert first_wait(t) == at(10) - at(0)
    assert time_in(t, PeriodKind.TRANSFERRED) == at(26) - at(20)
    assert time_in(t, PeriodKind.CALLED) == (at(11) - at(10)) + (at(28) - at(26))
    assert service_time(t) == (at(20) - at(11)) + (at(40) - at(28))
    assert finished_at(t) == at(40)
    assert [p.window_id for p in t.periods] == [None, 1, 1, None, 2, 2]


def test_no_service_time_unless_finished() -> None:
    t = lc.start_service(lc.call(ticket("A001"), W1, at(1)), at(2))
    assert service_time(t) is None and finished_at(t) is None
