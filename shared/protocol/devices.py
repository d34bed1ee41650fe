"""Wire schemas of the device list (GET /api/v1/devices: the supervisor's and the admin's view of the hall's
devices and their health) and of the hall strip's notice (the admin sets what the 条屏 scrolls)."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from shared.protocol.base import Request, Response

NOTICE_MAX = 500


class FaultOut(Response):
    part: str = ""     # "" = the device itself; else e.g. "printer" or an LED card's name
    code: str          # shared/protocol/device_health.py's CODES (or a newer device's own)
    since: str         # when the device noticed it (its clock, ISO 8601)
    detail: str = ""


class DeviceOut(Response):
    id: str
    kind: str
    name: str
    hall_id: int
    window_id: int | None = None
    window_number: int | None = None
    active: bool
    revoked: bool = False                      # its token revoked by an admin: refused until rotated
    last_seen_at: dt.datetime | None = None   # the later of its last push and its last pull
    app_version: str = ""                      # as the device reported at its last pull ("" = not since restart)
    outbox_pending: int | None = None          # commands waiting in its outbox at its last pull
    faults: list[FaultOut] = Field(default_factory=list)


class DeviceList(Response):
    hall_id: int
    devices: list[DeviceOut]


class NoticeIn(Request):
    text: str = Field(max_length=NOTICE_MAX)


class NoticeOut(Response):
    hall_id: int
    text: str
    updated_by: str = ""
    updated_at: dt.datetime | None = None


def notice_row(*, hall_id: int, text: str, updated_at: str) -> dict:
    """The published `hall_notice` row (pk = hall id) the hall controller scrolls on the strip."""
    return {"hall_id": hall_id, "text": text, "updated_at": updated_at}


NOTICE_TABLE = "hall_notice"
