"""Whether the citizen holds a ticket's paper, and what that means for calling — decided here once, for the
server's handlers and for every device's local view alike.

The dispenser records a ticket as PRINTING in the same local transaction that takes its number, before the
printer runs, so a printed ticket is never unknown to the server (power lost mid-print included). Then:

    printing → printed            the printer confirmed the paper
    printing → failed             the printer failed: nobody holds paper; the kiosk offers a reprint
    failed   → printed            the reprint worked
    failed   → kept               不打印，记住号码: the citizen keeps the number shown on screen

A PRINTING ticket may be called: whether its paper came out before a crash cannot be known, and a citizen
holding it must be called (an absent one ends as a no-show, as any other). A FAILED ticket is not called:
nobody holds it; the kiosk either reprints it, lets the citizen keep the number, or cancels it when the
citizen walks away (and cancels its own leftovers on start, the citizen being long gone).
"""

from __future__ import annotations

import enum

from shared.queue.errors import CallRefused, QueueError


class PrintState(enum.Enum):
    PRINTING = "printing"
    PRINTED = "printed"
    FAILED = "failed"
    KEPT = "kept"

    @property
    def callable(self) -> bool:
        """Someone may hold this ticket, so a window may call it."""
        return self is not PrintState.FAILED

    @property
    def printed(self) -> bool:
        return self is PrintState.PRINTED


NEXT: dict[PrintState, frozenset[PrintState]] = {
    PrintState.PRINTING: frozenset({PrintState.PRINTED, PrintState.FAILED}),
    PrintState.FAILED: frozenset({PrintState.PRINTED, PrintState.KEPT}),
    PrintState.PRINTED: frozenset(),
    PrintState.KEPT: frozenset(),
}


class PrintOutcomeRefused(QueueError):
    """A print outcome that does not follow from the ticket's print state (e.g. "failed" after "printed")."""

    code = "print_outcome_refused"

    def __init__(self, number: str, current: PrintState, outcome: PrintState) -> None:
        super().__init__(f"ticket {number}: cannot go from {current.value} to {outcome.value}", ticket=number,
                         current=current.value, outcome=outcome.value)


def settle(number: str, current: PrintState, outcome: PrintState) -> PrintState:
    """The print state after `outcome`; the same outcome again is a harmless repeat (a re-sent command)."""
    if outcome is current or outcome in NEXT[current]:
        return outcome
    raise PrintOutcomeRefused(number, current, outcome)


def require_callable(number: str, state: PrintState) -> None:
    if not state.callable:
        raise CallRefused("ticket_print_failed", f"ticket {number} failed to print and nobody holds it",
                          ticket=number)
