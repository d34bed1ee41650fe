"""Typed queue errors. Each `code` is stable: the kiosk and the clients look it up in `messages.py` (Chinese
text) and the server returns it in its error envelope. Details are JSON-safe."""

from __future__ import annotations

from typing import Any

from shared.errors import Conflict, DomainError


class QueueError(DomainError):
    code = "queue_error"


class InvalidConfiguration(QueueError):
    """A configuration value object breaks its own rules; `code` names the object (e.g. invalid_quota)."""

    code = "invalid_configuration"

    def __init__(self, code: str, field: str, message: str) -> None:
        super().__init__(message, code=code, field=field)
        self.field = field


class IssueRefused(QueueError):
    """A ticket (or an appointment check-in) cannot be issued now; `code` says why."""

    code = "issue_refused"

    def __init__(self, code: str, message: str, **details: Any) -> None:
        super().__init__(message, code=code, **details)


class BookingRefused(QueueError):
    """An appointment cannot be booked; `code` says why."""

    code = "booking_refused"

    def __init__(self, code: str, message: str, **details: Any) -> None:
        super().__init__(message, code=code, **details)


class WrongTicketState(QueueError, Conflict):
    """An action needs the ticket in another state (e.g. finishing a ticket that is still waiting)."""

    code = "wrong_ticket_state"

    def __init__(self, action: str, number: str, state: str, allowed: tuple[str, ...]) -> None:
        super().__init__(f"cannot {action} ticket {number}: it is {state}, needs {' or '.join(allowed)}",
                         action=action, ticket=number, state=state, allowed=list(allowed))


class CallRefused(QueueError):
    """A window action is not allowed (window paused or busy, queue empty, recall limit, wrong business…)."""

    code = "call_refused"

    def __init__(self, code: str, message: str, **details: Any) -> None:
        super().__init__(message, code=code, **details)


class TicketClaimedElsewhere(QueueError, Conflict):
    """Offline double call: another window's claim on this ticket came first (or served the citizen)."""

    code = "ticket_claimed_elsewhere"

    def __init__(self, number: str, window_id: int, winner_window_id: int) -> None:
        super().__init__(f"ticket {number} was claimed by window {winner_window_id} before window {window_id}",
                         ticket=number, window=window_id, winner_window=winner_window_id)


class RatingRefused(QueueError):
    code = "rating_refused"

    def __init__(self, code: str, message: str, **details: Any) -> None:
        super().__init__(message, code=code, **details)
