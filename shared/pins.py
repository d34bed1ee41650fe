"""The staff PIN rules, one place for the server and the workstation: a PIN is 4 to 8 digits, typed on a
calling keypad's digit keys at keypad-only login, and so is the staff number: a keypad has no letters, so a
staff member is found by the digits of their staff number (DG0101 types 0101). A PIN is hashed like a
password (shared.passwords)."""

from __future__ import annotations

import re

from shared.errors import DomainError

PIN_PATTERN = r"^[0-9]{4,8}$"
KEYPAD_NUMBER_PATTERN = r"^[0-9]{1,20}$"


class PinRefused(DomainError):
    code = "pin_format"


def keypad_number(staff_no: str) -> str:
    """What a staff member types on a keypad for their staff number: its digits."""
    return "".join(c for c in staff_no if c.isdigit())


def check_pin(pin: str) -> str:
    if not re.match(PIN_PATTERN, pin or ""):
        raise PinRefused("a PIN is 4 to 8 digits", code="pin_format")
    return pin
