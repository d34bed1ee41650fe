"""A citizen's mobile number as SMS needs it: 11 digits starting with 1 (a leading +86 is dropped)."""

from __future__ import annotations

import re

from shared.approval.personal import normalise_phone

MOBILE = re.compile(r"1[3-9]\d{9}")


def mobile(value: str) -> str | None:
    """The normalised mobile number, or None when `value` is not one."""
    digits = normalise_phone(value)
    return digits if MOBILE.fullmatch(digits) else None
