"""Refusals of the rectification loop, with stable codes (Chinese text lives in the UI and the server's
rejection mapping, shared/rating/messages.py)."""

from __future__ import annotations

from shared.errors import DomainError


class RectificationRefused(DomainError):
    code = "rectification_refused"


class StaleRecord(RectificationRefused):
    """The record moved on since the author saw it: the action is refused, never applied to the new state."""
    code = "stale_record"
