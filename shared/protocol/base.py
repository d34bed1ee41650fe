from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from pydantic import BaseModel, ConfigDict, ModelWrapValidatorHandler, model_validator
from pydantic_core import PydanticCustomError

import datetime as dt

from shared.protocol.limits import LimitExceeded, check_day, check_free_json, check_json, check_time_of_day


# Set while a body already walked is validated: its nested requests (a push's commands) and the command
# arguments parsed from it afterwards are not walked again. A push of 50 tickets was walked three times over,
# a sixth of its server time.
_WALKED: ContextVar[bool] = ContextVar("govhall_walked", default=False)


@contextmanager
def walked() -> Iterator[None]:
    """Validate values that a Request's validation has already walked (a pushed command's args)."""
    token = _WALKED.set(True)
    try:
        yield
    finally:
        _WALKED.reset(token)


def custom_error(exc: LimitExceeded) -> PydanticCustomError:
    """A limit breach as a validation error whose type is its code (the API's error code)."""
    return PydanticCustomError(exc.code, "{message} (at {where})", {"message": str(exc), "where": exc.where or "."})


def hall_local_time(moment: Any) -> Any:
    """AfterValidator for times of day: hall-local, so one with a time zone is refused (time_zone_not_allowed)."""
    try:
        return check_time_of_day(moment)
    except LimitExceeded as exc:
        raise custom_error(exc) from None


def free_json(value: Any) -> Any:
    """AfterValidator for a free-form object a device stores: depth, values and size (too_large)."""
    try:
        return check_free_json(value, walked=_WALKED.get())
    except LimitExceeded as exc:
        raise custom_error(exc) from None


def sane_date(value: Any) -> Any:
    """AfterValidator for dates and moments: within the sane range (a moment given as a Unix number too)."""
    try:
        check_day(value.date() if isinstance(value, dt.datetime) else value)
    except LimitExceeded as exc:
        raise custom_error(exc) from None
    return value


class Request(BaseModel):
    """Incoming bodies: unknown fields and wrong types are refused, never coerced; every value obeys
    shared.protocol.limits (depth, 64-bit integers, finite numbers, sane dates) before a field is read."""
    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)

    @model_validator(mode="wrap")
    @classmethod
    def _within_limits(cls, data: Any, handler: ModelWrapValidatorHandler[Request]) -> Request:
        if _WALKED.get():
            return handler(data)
        try:
            check_json(data)
        except LimitExceeded as exc:
            raise custom_error(exc) from None
        with walked():
            return handler(data)


class Response(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class ErrorBody(Response):
    code: str
    message: str
    details: dict | list | None = None


class ErrorEnvelope(Response):
    error: ErrorBody
