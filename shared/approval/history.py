"""Checks a case's event list is a valid history (SYNC.md invariant 5): numbered 1, 2, … without gaps,
every transition allowed from the status before it, every event chained to the one before, and every
step-bound action taken at a step that was active at the time."""

from __future__ import annotations

from collections.abc import Sequence

from shared.approval.errors import ApprovalError
from shared.approval.events import Event
from shared.approval.lifecycle import is_allowed_transition


class InvalidHistory(ApprovalError):
    code = "invalid_history"


def validate_history(events: Sequence[Event]) -> None:
    status, steps, case_id = None, (), events[0].case_id if events else None
    for n, e in enumerate(events, start=1):
        where = f"event {n} ({e.action.value})"
        if e.case_id != case_id:
            raise InvalidHistory(f"{where} belongs to case {e.case_id}, not {case_id}")
        if e.seq != n:
            raise InvalidHistory(f"{where} has seq {e.seq}, expected {n}")
        if e.status_before != status:
            raise InvalidHistory(f"{where} starts from {e.status_before}, the case was {status}")
        if not is_allowed_transition(e.action, e.status_before, e.status_after):
            raise InvalidHistory(f"{where} may not move {e.status_before} to {e.status_after}")
        if n > 1 and e.day < events[n - 2].day:
            raise InvalidHistory(f"{where} is dated before the event it follows")
        acted_at = e.payload.get("step")
        if n > 1 and acted_at is not None and acted_at not in steps:
            raise InvalidHistory(f"{where} acts at {acted_at!r}, which was not active ({', '.join(steps)})")
        status, steps = e.status_after, e.steps_after
