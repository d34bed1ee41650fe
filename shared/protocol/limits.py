"""Limits every value from outside obeys before any rule reads it (issue 18): JSON depth, 64-bit integers,
finite numbers, no NUL characters, dates within a sane range. One place for the server's routes and bodies
and for anything an offline node parses; each breach has its own error code."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from typing import Any

MAX_DEPTH = 32                     # nesting of objects and arrays; real bodies stay under 6
INT_MIN, INT_MAX = -(2**63), 2**63 - 1  # what a BIGINT column (and SQLite's INTEGER) holds
EARLIEST_DAY = dt.date(1900, 1, 1)  # birth dates of the oldest applicants
LATEST_DAY = dt.date(2199, 12, 31)  # deadlines a statutory clock can reach

TOO_DEEP = "too_deep"
OUT_OF_RANGE = "value_out_of_range"
NOT_FINITE = "value_not_finite"
CONTROL_CHARACTER = "control_character"
DATE_OUT_OF_RANGE = "date_out_of_range"
TIME_ZONE_NOT_ALLOWED = "time_zone_not_allowed"
TOO_LARGE = "too_large"
CODES = (TOO_DEEP, OUT_OF_RANGE, NOT_FINITE, CONTROL_CHARACTER, DATE_OUT_OF_RANGE, TIME_ZONE_NOT_ALLOWED, TOO_LARGE)
MAX_FREE_JSON_BYTES = 16 * 1024  # a free-form object a device stores (a fact's body, an entity's data)

_ISO_DAY = re.compile(r"^[+-]?(\d{4,})-\d{2}-\d{2}(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$", re.ASCII)
_INTEGER = re.compile(r"^[+-]?\d+$", re.ASCII)
_DATE_START = frozenset("0123456789+-")  # only such text can be an ISO date


class LimitExceeded(ValueError):
    """`code` is one of CODES; `where` is the path of the offending value (e.g. "args.body.x")."""

    def __init__(self, code: str, message: str, where: str = "") -> None:
        super().__init__(message)
        self.code, self.where = code, where


def check_json(value: Any, where: str = "") -> None:
    """Walk a parsed JSON value; raise LimitExceeded at the first breach. Fast on the way through (every
    push passes here); the path of a breach is worked out only once one is found."""
    try:
        _walk(value)
    except LimitExceeded as exc:
        exc.where = _locate(value, where)
        raise


def _walk(value: Any) -> None:
    stack = [(value, 0)]
    pop, push = stack.pop, stack.append
    while stack:
        item, depth = pop()
        kind = type(item)
        if kind is str:
            if item and (item[0] in _DATE_START or "\x00" in item):
                check_text(item)
        elif kind is dict or kind is list:
            if depth >= MAX_DEPTH:
                raise LimitExceeded(TOO_DEEP, f"nested deeper than {MAX_DEPTH} levels")
            if kind is dict:
                for key, child in item.items():
                    if type(key) is str and "\x00" in key:
                        raise LimitExceeded(CONTROL_CHARACTER, "NUL character in text")
                    push((child, depth + 1))
            else:
                for child in item:
                    push((child, depth + 1))
        elif kind is int:
            if not INT_MIN <= item <= INT_MAX:
                raise LimitExceeded(OUT_OF_RANGE, "integer outside the 64-bit range")
        elif kind is float:
            if not math.isfinite(item):
                raise LimitExceeded(NOT_FINITE, "numbers must be finite")
        elif isinstance(item, str | dict | list | int | float):  # subclasses: the slow, general way
            _walk_general(item, depth)


def _walk_general(item: Any, depth: int) -> None:
    if isinstance(item, bool):
        return
    if isinstance(item, str):
        check_text(item)
    elif isinstance(item, int):
        check_integer(item)
    elif isinstance(item, float) and not math.isfinite(item):
        raise LimitExceeded(NOT_FINITE, "numbers must be finite")
    elif isinstance(item, dict | list):
        if depth >= MAX_DEPTH:
            raise LimitExceeded(TOO_DEEP, f"nested deeper than {MAX_DEPTH} levels")
        for child in (item.values() if isinstance(item, dict) else item):
            _walk_general(child, depth + 1)


def _locate(value: Any, where: str) -> str:
    """The path of the first breach (the slow walk, only after _walk found one)."""
    stack = [(value, where, 0)]
    while stack:
        item, path, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth >= MAX_DEPTH:
                return path
            for key, child in (item.items() if isinstance(item, dict) else enumerate(item)):
                if isinstance(key, str) and "\x00" in key:
                    return path
                stack.append((child, f"{path}.{key}" if path else str(key), depth + 1))
        else:
            try:
                _walk_general(item, depth)
            except LimitExceeded:
                return path
    return where


def check_integer(value: int, where: str = "") -> None:
    if not INT_MIN <= value <= INT_MAX:
        raise LimitExceeded(OUT_OF_RANGE, "integer outside the 64-bit range", where)


def check_text(value: str, where: str = "") -> None:
    """No NUL (PostgreSQL refuses it in text); an ISO date or moment must lie in the sane range."""
    if "\x00" in value:
        raise LimitExceeded(CONTROL_CHARACTER, "NUL character in text", where)
    if len(value) <= 40:
        found = _ISO_DAY.match(value)
        if found is not None and not EARLIEST_DAY.year <= int(found.group(1)) <= LATEST_DAY.year:
            raise LimitExceeded(DATE_OUT_OF_RANGE, f"dates lie between {EARLIEST_DAY} and {LATEST_DAY}", where)


def check_parameter(value: str, where: str = "") -> None:
    """A path or query parameter: text rules, and integers within 64 bits."""
    check_text(value, where)
    if _INTEGER.match(value) and (len(value) > 20 or not INT_MIN <= int(value) <= INT_MAX):
        raise LimitExceeded(OUT_OF_RANGE, "integer outside the 64-bit range", where)


def check_day(day: dt.date) -> dt.date:
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise LimitExceeded(DATE_OUT_OF_RANGE, f"dates lie between {EARLIEST_DAY} and {LATEST_DAY}")
    return day


def check_time_of_day(moment: dt.time) -> dt.time:
    """Times of day are the hall's local (China) time: one with an offset could not be compared with them."""
    if moment.tzinfo is not None:
        raise LimitExceeded(TIME_ZONE_NOT_ALLOWED, "times of day carry no time zone (hall-local time)")
    return moment


def check_free_json(value: Any, *, walked: bool = False) -> Any:
    """A free-form object a device stores for the hall: within the limits and at most MAX_FREE_JSON_BYTES.
    `walked`: it is part of a body already walked by check_json, so only its size is left to check."""
    if not walked:
        check_json(value)
    if len(json.dumps(value, ensure_ascii=False).encode()) > MAX_FREE_JSON_BYTES:
        raise LimitExceeded(TOO_LARGE, f"larger than {MAX_FREE_JSON_BYTES} bytes")
    return value
