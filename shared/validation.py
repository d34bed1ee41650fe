"""Validators for resident ID numbers (GB 11643-1999) and unified social credit codes (GB 32100-2015),
and masking of personal data for display.

`is_valid_resident_id` / `is_valid_uscc` answer yes or no; `check_resident_id` / `check_uscc` say why a value
is wrong with a typed `InvalidIdentifier` whose `code` is one of the constants below.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

from shared.errors import DomainError

# Error codes (stable: the UI maps them to Chinese messages).
WRONG_LENGTH = "wrong_length"
BAD_CHARACTER = "bad_character"
IMPOSSIBLE_BIRTH_DATE = "impossible_birth_date"
FUTURE_BIRTH_DATE = "future_birth_date"
BAD_CHECK_CHARACTER = "bad_check_character"
EMPTY = "empty"


class InvalidIdentifier(DomainError):
    """`kind` is "resident_id" or "uscc"; `code` says what is wrong; `position` points at the bad character
    (0-based) when there is one."""

    code = "invalid_identifier"

    def __init__(self, kind: str, code: str, message: str, position: int | None = None) -> None:
        super().__init__(message, code=code, kind=kind, **({"position": position} if position is not None else {}))
        self.kind = kind
        self.position = position


# --- resident ID (GB 11643, ISO 7064 MOD 11-2) ---------------------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


@dataclass(frozen=True)
class ResidentId:
    number: str  # normalised: upper-case X
    area_code: str
    birth_date: _dt.date
    sequence: str

    @property
    def is_male(self) -> bool:
        return int(self.sequence) % 2 == 1


def resident_id_check_character(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS))
    return _ID_CHECK[total % 11]


def check_resident_id(text: str, *, today: _dt.date | None = None) -> ResidentId:
    """Parse and validate an 18-character resident ID number; raise InvalidIdentifier saying why not.
    Lower-case x is accepted and normalised to X. Surrounding white space is ignored."""
    kind = "resident_id"
    value = (text or "").strip().upper()
    if not value:
        raise InvalidIdentifier(kind, EMPTY, "resident ID number is empty")
    if len(value) != 18:
        raise InvalidIdentifier(kind, WRONG_LENGTH, f"resident ID number must have 18 characters, got {len(value)}")
    for i, ch in enumerate(value[:17]):
        if ch not in "0123456789":
            raise InvalidIdentifier(kind, BAD_CHARACTER, f"character {i + 1} must be a digit, got {ch!r}", i)
    if value[17] not in "0123456789X":
        raise InvalidIdentifier(kind, BAD_CHARACTER, f"check character must be a digit or X, got {value[17]!r}", 17)
    try:
        birth = _dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise InvalidIdentifier(kind, IMPOSSIBLE_BIRTH_DATE, f"birth date {value[6:14]} is not a real date",
                                6) from None
    if birth > (today or _dt.date.today()):
        raise InvalidIdentifier(kind, FUTURE_BIRTH_DATE, f"birth date {birth.isoformat()} is in the future", 6)
    expected = resident_id_check_character(value[:17])
    if value[17] != expected:
        raise InvalidIdentifier(kind, BAD_CHECK_CHARACTER,
                                f"check character is {value[17]!r} but the first 17 digits give {expected!r}", 17)
    return ResidentId(number=value, area_code=value[:6], birth_date=birth, sequence=value[14:17])


def is_valid_resident_id(text: str) -> bool:
    try:
        check_resident_id(text)
    except InvalidIdentifier:
        return False
    return True


def normalise_resident_id(text: str) -> str:
    """The stored form (upper-case X, no white space); raises InvalidIdentifier when invalid."""
    return check_resident_id(text).number


# --- unified social credit code (GB 32100) -------------------------------------------------------------------

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, Z, S, V
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_check_character(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def check_uscc(text: str) -> str:
    """Validate an 18-character USCC; return it normalised (upper case) or raise InvalidIdentifier."""
    kind = "uscc"
    value = (text or "").strip().upper()
    if not value:
        raise InvalidIdentifier(kind, EMPTY, "unified social credit code is empty")
    if len(value) != 18:
        raise InvalidIdentifier(kind, WRONG_LENGTH,
                                f"unified social credit code must have 18 characters, got {len(value)}")
    for i, ch in enumerate(value):
        if ch not in USCC_ALPHABET:
            raise InvalidIdentifier(kind, BAD_CHARACTER,
                                    f"character {i + 1} ({ch!r}) is not allowed (I, O, Z, S, V never appear)", i)
    expected = uscc_check_character(value[:17])
    if value[17] != expected:
        raise InvalidIdentifier(kind, BAD_CHECK_CHARACTER,
                                f"check character is {value[17]!r} but the first 17 characters give {expected!r}", 17)
    return value


def is_valid_uscc(text: str) -> bool:
    try:
        check_uscc(text)
    except InvalidIdentifier:
        return False
    return True


# --- mainland mobile numbers ----------------------------------------------------------------------------------

PHONE_EMPTY = "phone_empty"
PHONE_BAD_CHARACTER = "phone_bad_character"
PHONE_WRONG_LENGTH = "phone_wrong_length"
PHONE_NOT_MOBILE = "phone_not_mobile"
MOBILE_PATTERN = re.compile(r"1[3-9]\d{9}")  # 11 digits; the second is 3-9 (no mainland mobile starts 10/11/12)


def normalise_phone(text: str) -> str:
    """Digits only; a leading +86 / 0086 country code is dropped."""
    digits = re.sub(r"\D", "", text or "")
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    elif len(digits) == 15 and digits.startswith("0086"):
        digits = digits[4:]
    return digits


def check_mobile(text: str) -> str:
    """A mainland mobile number typed by a citizen (keypad: digits only), normalised to 11 digits; raise
    InvalidIdentifier (kind "mobile") saying why not. Spaces, dashes and a +86 prefix are tolerated."""
    kind = "mobile"
    raw = (text or "").strip()
    if not raw:
        raise InvalidIdentifier(kind, PHONE_EMPTY, "mobile number is empty")
    stripped = re.sub(r"[\s-]", "", raw)
    if stripped.startswith("+"):
        stripped = stripped[1:]
    if not stripped.isdigit() or not stripped.isascii():
        bad = next(i for i, ch in enumerate(stripped) if not (ch.isascii() and ch.isdigit()))
        raise InvalidIdentifier(kind, PHONE_BAD_CHARACTER, f"character {bad + 1} is not a digit", bad)
    digits = normalise_phone(stripped)
    if len(digits) != 11:
        raise InvalidIdentifier(kind, PHONE_WRONG_LENGTH, f"a mobile number has 11 digits, got {len(digits)}")
    if not MOBILE_PATTERN.fullmatch(digits):
        raise InvalidIdentifier(kind, PHONE_NOT_MOBILE, "a mainland mobile number starts 13-19")
    return digits


def is_mobile(text: str) -> bool:
    try:
        check_mobile(text)
    except InvalidIdentifier:
        return False
    return True


# --- masking for display and export --------------------------------------------------------------------------

def mask_resident_id(number: str) -> str:
    """`110105********002X`: keep the area code and the last four characters."""
    n = (number or "").strip()
    if len(n) <= 10:
        return "*" * len(n)
    return n[:6] + "*" * (len(n) - 10) + n[-4:]


def mask_phone(number: str) -> str:
    """`138****5678` for mobile numbers; other lengths keep the first 3 and last 4 where possible."""
    n = (number or "").strip()
    if len(n) <= 7:
        return n[:1] + "*" * max(len(n) - 1, 0)
    return n[:3] + "*" * (len(n) - 7) + n[-4:]


def mask_uscc(value: str) -> str:
    """`9135**********0Y43`: the registration authority and area stay readable, the serial does not."""
    n = (value or "").strip()
    if len(n) <= 8:
        return "*" * len(n)
    return n[:4] + "*" * (len(n) - 8) + n[-4:]


def mask_name(name: str) -> str:
    """`张*` / `欧阳**`: keep the family name's first character."""
    n = (name or "").strip()
    return n[:1] + "*" * (len(n) - 1) if n else n
