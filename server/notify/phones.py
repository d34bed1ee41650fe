"""A citizen's mobile number as SMS needs it: 11 digits starting with 1 (a leading +86 is dropped). The rule
is shared.validation's (the dispenser's phone keypad checks with it too)."""

from __future__ import annotations

from shared.validation import MOBILE_PATTERN as MOBILE
from shared.validation import normalise_phone


def mobile(value: str) -> str | None:
    """The normalised mobile number, or None when `value` is not one."""
    digits = normalise_phone(value)
    return digits if MOBILE.fullmatch(digits) else None
