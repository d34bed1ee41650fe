from __future__ import annotations

import datetime as dt

from pydantic import Field

from shared.protocol.base import Request, Response


class LoginRequest(Request):
    username: str = Field(min_length=1, max_length=50)
    password: str = Field(min_length=1, max_length=200)
    device_id: str | None = Field(default=None, max_length=36)


class StaffOut(Response):
    id: int
    username: str
    display_name: str
    staff_no: str
    roles: list[str]
    department_id: int | None
    hall_id: int | None


class LoginResponse(Response):
    token: str
    expires_at: dt.datetime
    user: StaffOut
