"""Wire schemas of staff PINs: set one after a password login, sign in with staff number + PIN (keypad login)."""

from __future__ import annotations

from pydantic import Field

from shared.pins import KEYPAD_NUMBER_PATTERN, PIN_PATTERN
from shared.protocol.base import Request


class SetPinRequest(Request):
    password: str = Field(min_length=1, max_length=200)  # the current password, asked again
    pin: str = Field(pattern=PIN_PATTERN)


class PinLoginRequest(Request):
    staff_no: str = Field(pattern=KEYPAD_NUMBER_PATTERN)  # the digits of the staff number (shared.pins)
    pin: str = Field(pattern=PIN_PATTERN)
    device_id: str | None = Field(default=None, max_length=36)
