"""Wire schemas of the queue's REST API: configuration (admin), appointments (citizens and clerks) and
statistics. Requests are strict (base.Request); times of day read "HH:MM[:SS]"."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, AwareDatetime, Field

from shared.protocol.base import Request, Response, hall_local_time, sane_date
from shared.protocol.org import BusinessOut

TimeOfDay = Annotated[dt.time, Field(strict=False), AfterValidator(hall_local_time)]
Moment = Annotated[AwareDatetime, Field(strict=False), AfterValidator(sane_date)]


class BusinessCreate(Request):
    code: str = Field(min_length=1, max_length=32)
    prefix: str = Field(min_length=1, max_length=2)
    name: str = Field(min_length=1, max_length=100)
    department_id: int | None = None
    floor_id: int | None = None
    sort_order: int = 0
    active: bool = True


class BusinessPatch(Request):
    """Only the fields sent change. department_id and floor_id may be cleared with null; the others are
    required columns, so a null for them is refused (the defaults below only mean "not sent")."""
    prefix: str = Field(default=None, min_length=1, max_length=2)  # type: ignore[assignment]
    name: str = Field(default=None, min_length=1, max_length=100)  # type: ignore[assignment]
    department_id: int | None = None
    floor_id: int | None = None
    sort_order: int = None  # type: ignore[assignment]
    active: bool = None  # type: ignore[assignment]


class QuotaIn(Request):
    """None limits mean unlimited. `lunch_closed`: stop issuing over lunch for this business (true), keep
    issuing (false, 中午不打烊), or follow the hall's lunch rule (None, the default)."""
    daily_limit: int | None = Field(default=None, ge=0)
    am_limit: int | None = Field(default=None, ge=0)
    pm_limit: int | None = Field(default=None, ge=0)
    opens_at: TimeOfDay = dt.time(9, 0)
    closes_at: TimeOfDay = dt.time(17, 30)
    lunch_start: TimeOfDay | None = None
    lunch_end: TimeOfDay | None = None
    paused: bool = False
    lunch_closed: bool | None = None


class WindowServiceIn(Request):
    business_id: int
    level: int = Field(default=1, ge=1)


class WindowServicesIn(Request):
    services: list[WindowServiceIn] = Field(min_length=1, max_length=20)


class WindowConfigOut(Response):
    id: int
    number: int
    name: str
    active: bool
    services: list[dict[str, int]]


class HallQueueConfig(Response):
    hall_id: int
    businesses: list[BusinessOut]
    windows: list[WindowConfigOut]
    rules: dict[str, Any]  # server/queue/config.HallRules.to_json()



class BookingIn(Request):
    business_id: int
    slot_start: Moment
    id_number: str = Field(min_length=1, max_length=30)
    phone: str = Field(default="", max_length=20)  # for the booking and near-call SMS; sealed on the server
    name: str = Field(default="", max_length=30)   # 预约人姓名: sealed on the server, shown to the serving clerk


class PublicAppointment(Response):
    """An appointment as REST answers show it (booking, search, QR code, cancel): the row without the index
    keys a device matches by (`person_key`, `token_key`), which would let anyone who holds them follow a
    person from booking to ticket."""
    id: str
    hall_id: int
    business_id: int
    day: dt.date
    slot_start: dt.datetime
    slot_end: dt.datetime
    masked_id: str
    state: Literal["booked", "cancelled", "checked_in", "late", "no_show"]
    masked_name: str = ""  # 张* (the name itself only reaches the clerk who serves the checked-in booking)


class Booked(Response):
    appointment: PublicAppointment
    qr_token: str  # shown once as the appointment's QR code; the server keeps only its blind index
    booking_code: str  # 预约码, shown once: with the ID number it finds and cancels this booking


class PersonIn(Request):
    id_number: str = Field(min_length=1, max_length=30)
    booking_code: str = Field(min_length=1, max_length=20)


class CancelIn(Request):
    id_number: str | None = Field(default=None, min_length=1, max_length=30)  # None: staff cancel
    booking_code: str | None = Field(default=None, min_length=1, max_length=20)  # with id_number


class QrIn(Request):
    token: str = Field(min_length=1, max_length=200)


class SlotOut(Response):
    start: dt.datetime
    end: dt.datetime
    booked: int
    capacity: int


class NoShowsOut(Response):
    marked: int
