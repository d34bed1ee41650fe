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
    # True: the session may only change the password (first login, after a reset, or expired) and log out.
    password_change_required: bool = False
    idle_lock_minutes: float = 10  # the workstation locks its screen after this long without input


class PasswordChange(Request):
    current_password: str = Field(min_length=1, max_length=200)
    new_password: str = Field(min_length=1, max_length=200)


class PasswordReset(Request):
    """An admin sets a temporary password; its owner must change it at the next login."""
    new_password: str = Field(min_length=1, max_length=200)


class SessionsRevoked(Response):
    revoked: int
