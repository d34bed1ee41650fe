"""shared.queue.printing: the one rule for what a ticket's print state means — the transitions the dispenser
may report, and which tickets a window may call (used by choose_next and lifecycle.call on every node)."""

from __future__ import annotations

import dataclasses

import pytest

from shared.protocol.queue import IssueArgs, PrintArgs
from shared.queue import lifecycle as lc
from shared.queue.calling import choose_next
from shared.queue.errors import CallRefused
from shared.queue.fairness import FairnessState
from shared.queue.printing import PrintOutcomeRefused, PrintState, settle
from shared.queue.rules import CallingRules
from tests.queue.builders import at, ticket, window

P, OK, FAILED, KEPT = PrintState.PRINTING, PrintState.PRINTED, PrintState.FAILED, PrintState.KEPT


def test_print_outcomes_follow_the_printer() -> None:
    assert settle("A1", P, OK) is OK and settle("A1", P, FAILED) is FAILED
    assert settle("A1", FAILED, OK) is OK and settle("A1", FAILED, KEPT) is KEPT  # reprint, or keep the number
    assert settle("A1", OK, OK) is OK and settle("A1", FAILED, FAILED) is FAILED  # a repeat changes nothing
    for current, outcome in ((OK, FAILED), (KEPT, OK), (P, KEPT), (OK, P)):
        with pytest.raises(PrintOutcomeRefused) as refused:
            settle("A1", current, outcome)
        assert refused.value.code == "print_outcome_refused"


def test_a_printing_ticket_is_called_a_failed_one_is_not() -> None:
    win = window(1, (1, 1))
    first = dataclasses.replace(ticket("A001", minute=0), print_state=FAILED)
    second = dataclasses.replace(ticket("A002", minute=1), print_state=P)
    decision = choose_next(win, [first, second], at(5), FairnessState(), CallingRules())
    assert decision is not None and decision.ticket.number == "A002"
    assert choose_next(win, [first], at(5), FairnessState(), CallingRules()) is None
    with pytest.raises(CallRefused) as refused:  # called by number (特呼) on any node: the same refusal
        lc.call(first, win, at(5))
    assert refused.value.code == "ticket_print_failed"
    assert lc.call(second, win, at(5)).state.value == "called"


def test_the_wire_carries_the_print_state() -> None:
    base = {"ticket_id": "0b0a3a5e-7a62-4c5e-9d7e-3c1f0d6f6a11", "business_id": 1, "display": "A001",
            "number": 1, "block_id": 1, "day": "2026-11-23", "channel": "dispenser",
            "issued_at": {"physical_ms": 1, "logical": 0, "device_id": "K1", "device_seq": 1},
            "at": "2026-11-23T10:00:00+08:00"}
    assert IssueArgs.model_validate({**base, "print_state": "printing"}).effective_print_state() == "printing"
    assert IssueArgs.model_validate({**base, "printed": False}).effective_print_state() == "kept"  # older form
    with pytest.raises(ValueError):
        IssueArgs.model_validate(base)
    with pytest.raises(ValueError):
        PrintArgs.model_validate({"ticket_id": base["ticket_id"], "outcome": "printing", "at": base["at"]})
