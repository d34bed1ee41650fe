"""Closing time: windows stop calling after the service end, the sweep ends what is left, nothing stays open."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.queue import closing, lifecycle
from shared.queue.clock import CHINA_TZ
from shared.queue.config import Quota
from shared.queue.errors import InvalidConfiguration
from shared.queue.rules import CallingRules
from shared.queue.tickets import TicketState
from tests.queue.builders import T0, ticket, window

DAY = T0.date()
RULES = CallingRules(serve_after_close_minutes=60)
QUOTAS = {1: Quota(1, closes_at=dt.time(17, 0)), 2: Quota(2, closes_at=dt.time(12, 0))}
W1 = window(1, (1, 1), (2, 1))


def local(h: int, m: int = 0) -> dt.datetime:
    return dt.datetime.combine(DAY, dt.time(h, m), CHINA_TZ)


def test_windows_call_until_the_grace_after_closing_then_nobody_new() -> None:
    assert closing.service_end(QUOTAS[1], RULES, DAY, CHINA_TZ) == local(18)
    assert closing.may_call_at(QUOTAS[1], RULES, DAY, local(17, 59), CHINA_TZ)
    assert not closing.may_call_at(QUOTAS[1], RULES, DAY, local(18), CHINA_TZ)
    assert not closing.may_call_at(QUOTAS[2], RULES, DAY, local(13), CHINA_TZ)  # each business its own hours
    assert closing.may_call_at(None, RULES, DAY, local(18), CHINA_TZ)  # default hours: 17:30 + 60 min


def test_a_negative_grace_is_a_configuration_error() -> None:
    with pytest.raises(InvalidConfiguration) as err:
        CallingRules(serve_after_close_minutes=-1)
    assert err.value.code == "invalid_calling_rules"


def _states(now: dt.datetime):  # noqa: ANN202
    waiting = ticket("A001", minute=60)
    called = lifecycle.call(ticket("A002", minute=61), W1, T0 + dt.timedelta(minutes=500))
    serving = lifecycle.start_service(lifecycle.call(ticket("A003", minute=62), W1, local(17, 50)), local(17, 51))
    held = lifecycle.hold(serving, local(17, 55))
    done = lifecycle.finish(lifecycle.start_service(lifecycle.call(ticket("A004", minute=30), W1, local(10)),
                                                    local(10, 1)), local(10, 5))
    other = ticket("B001", minute=30, business=2)
    swept = closing.sweep([waiting, called, serving, held, done, other], QUOTAS, RULES, DAY, now, CHINA_TZ)
    return {s.ticket.number + ("h" if s.ticket.periods[-1].kind.value == "held" else ""): s for s in swept}


def test_before_the_service_end_only_businesses_already_closed_are_swept() -> None:
    swept = _states(local(17, 59))
    assert list(swept) == ["B001"]
    assert swept["B001"].ticket.state is TicketState.CANCELLED and swept["B001"].flag == closing.CLOSED_UNSERVED


def test_at_the_service_end_waiting_and_called_end_unserved_and_the_window_finishes_its_citizen() -> None:
    swept = _states(local(18))
    assert sorted(swept) == ["A001", "A002", "B001"]
    assert all(s.ticket.state is TicketState.CANCELLED and s.flag == closing.CLOSED_UNSERVED for s in swept.values())
    assert swept["A001"].ticket.periods[-1].end == local(18)  # the wait is closed at the sweep


def test_what_the_windows_forgot_is_closed_two_hours_later() -> None:
    swept = _states(local(20))
    assert swept["A003"].ticket.state is TicketState.FINISHED and swept["A003"].flag == closing.CLOSED_BY_SWEEP
    assert swept["A003h"].ticket.state is TicketState.CANCELLED and swept["A003h"].flag == closing.CLOSED_UNSERVED
    assert "A004" not in swept  # finished tickets are never touched


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([1, 2]), st.integers(0, 500),
                          st.sampled_from(["waiting", "called", "serving", "held"])), max_size=15))
def test_after_the_last_sweep_no_ticket_is_open(specs: list) -> None:
    tickets = []
    for i, (business, minute, state) in enumerate(specs):
        t = ticket(f"A{i:03d}", minute=minute, business=business)
        when = T0 + dt.timedelta(minutes=minute + 1)
        if state != "waiting":
            t = lifecycle.call(t, W1, when)
        if state in ("serving", "held"):
            t = lifecycle.start_service(t, when)
        if state == "held":
            t = lifecycle.hold(t, when)
        tickets.append(t)
    swept = closing.sweep(tickets, QUOTAS, RULES, DAY, local(23), CHINA_TZ)
    assert len(swept) == len(tickets)
    assert all(s.ticket.state.is_final and s.ticket.periods[-1].end is not None for s in swept)
