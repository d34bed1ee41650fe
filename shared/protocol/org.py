from __future__ import annotations

import datetime as dt

from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from shared.protocol.base import Request, Response
from shared.validation import InvalidIdentifier, check_uscc


class QuotaOut(Response):
    daily_limit: int | None
    am_limit: int | None
    pm_limit: int | None
    opens_at: dt.time
    closes_at: dt.time
    lunch_start: dt.time | None
    lunch_end: dt.time | None
    paused: bool


class BusinessOut(Response):
    id: int
    code: str
    prefix: str
    name: str
    department_id: int | None
    floor_id: int | None
    active: bool
    quota: QuotaOut | None


class WindowServiceOut(Response):
    business_id: int
    priority: int


class WindowOut(Response):
    id: int
    number: int
    name: str
    floor_id: int | None
    active: bool
    services: list[WindowServiceOut]


class FloorOut(Response):
    id: int
    level: int
    name: str


class HallSummary(Response):
    id: int
    code: str
    name: str
    address: str
    public_url: str = ""  # the base URL phones reach the hall's server at ("" = its LAN address)


class HallOut(HallSummary):
    floors: list[FloorOut]
    windows: list[WindowOut]
    businesses: list[BusinessOut]


class TownOut(Response):
    id: int
    code: str
    name: str
    kind: str


class DepartmentOut(Response):
    id: int
    code: str
    name: str
    uscc: str | None
    parent_id: int | None


class DepartmentCreate(Request):
    code: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")
    name: str = Field(min_length=1, max_length=100)
    uscc: str | None = None
    parent_code: str | None = None

    @field_validator("uscc")
    @classmethod
    def _uscc(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return check_uscc(value)
        except InvalidIdentifier as exc:  # keep the specific code (e.g. uscc.bad_check_character) on the wire
            raise PydanticCustomError(f"uscc.{exc.code}", exc.message) from None
