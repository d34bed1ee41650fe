"""Wire schemas of the organisation admin API: centres, halls, floors, windows and staff accounts."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from shared.protocol.base import Request, Response

Code = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


class CentreIn(Request):
    code: str = Code
    name: str = Field(min_length=1, max_length=100)


class CentreOut(Response):
    id: int
    code: str
    name: str


class HallCreate(Request):
    centre_id: int
    code: str = Code
    name: str = Field(min_length=1, max_length=100)
    address: str = Field(default="", max_length=200)
    public_url: str = Field(default="", max_length=300)  # "" = the LAN address; rule: shared/public_url.py


class HallPatch(Request):
    code: str = Field(default=None, min_length=1, max_length=32, pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$")  # type: ignore[assignment]
    name: str = Field(default=None, min_length=1, max_length=100)  # type: ignore[assignment]
    address: str = Field(default=None, max_length=200)  # type: ignore[assignment]
    public_url: str = Field(default=None, max_length=300)  # type: ignore[assignment]


class FloorIn(Request):
    level: int = Field(ge=-9, le=199)
    name: str = Field(min_length=1, max_length=50)


class FloorPatch(Request):
    level: int = Field(default=None, ge=-9, le=199)  # type: ignore[assignment]
    name: str = Field(default=None, min_length=1, max_length=50)  # type: ignore[assignment]


class FloorAdminOut(Response):
    id: int
    hall_id: int
    level: int
    name: str


# the bus address of the window's LED card (0…65534, shared.org_rows.led_bus_address), synced to the controller
LedAddress = Field(default=None, min_length=1, max_length=5, pattern=r"^[0-9]+$")


class WindowCreate(Request):
    number: int = Field(ge=1, le=9999)
    name: str = Field(min_length=1, max_length=50)
    floor_id: int | None = None
    led_address: str | None = LedAddress
    active: bool = True


class WindowPatch(Request):
    """Only the fields sent change; floor_id and led_address may be cleared with null."""
    number: int = Field(default=None, ge=1, le=9999)  # type: ignore[assignment]
    name: str = Field(default=None, min_length=1, max_length=50)  # type: ignore[assignment]
    floor_id: int | None = None
    led_address: str | None = LedAddress
    active: bool = None  # type: ignore[assignment]


class WindowAdminOut(Response):
    id: int
    hall_id: int
    number: int
    name: str
    floor_id: int | None
    led_address: str | None
    active: bool


Roles = Field(min_length=1, max_length=12)


class StaffCreate(Request):
    """`password` None: the server makes one up and answers it once; either way it must be changed at the
    first login."""
    username: str = Field(min_length=2, max_length=50, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    display_name: str = Field(min_length=1, max_length=50)
    staff_no: str = Field(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9-]+$")
    department_id: int | None = None
    window_id: int | None = None
    roles: list[str] = Roles
    password: str | None = Field(default=None, min_length=1, max_length=128)


class StaffPatch(Request):
    display_name: str = Field(default=None, min_length=1, max_length=50)  # type: ignore[assignment]
    staff_no: str = Field(default=None, min_length=1, max_length=20, pattern=r"^[A-Za-z0-9-]+$")  # type: ignore[assignment]
    department_id: int | None = None
    window_id: int | None = None
    roles: list[str] = Field(default=None, min_length=1, max_length=12)  # type: ignore[assignment]


class StaffOut(Response):
    id: int
    username: str
    display_name: str
    staff_no: str
    department_id: int | None
    hall_id: int | None
    window_id: int | None
    active: bool
    roles: list[str]
    has_photo: bool
    must_change_password: bool


class StaffCreated(StaffOut):
    initial_password: str  # shown once to the admin, who hands it over; changed at the first login


class PhotoIn(Request):
    content_type: Literal["image/png", "image/jpeg"]
    data: str = Field(min_length=4, max_length=800_000)  # base64; the route holds it to PHOTO_MAX_BYTES


class RoleOut(Response):
    role: str
    kind: Literal["system", "step"]
    title: str
    steps: list[str]  # for a step role: the workflow steps (default definitions) it handles


class PermissionOut(Response):
    method: str
    path: str
    summary: str
    roles: list[str]
    own_hall_only: bool
    centre_only: bool  # only an admin of no hall (centres, new halls)


class RoleMatrix(Response):
    roles: list[RoleOut]
    permissions: list[PermissionOut]
