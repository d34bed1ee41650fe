"""Wire shapes of the notification admin API (server/api/notifications.py) and of the staff alerts the
desktops receive through sync (table `staff_alert`, in the role's scope)."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from shared.protocol.base import Request, Response

STAFF_ALERT_TABLE = "staff_alert"
STAFF_ALERT_EVENTS = ("new_todo", "urged", "supervised", "near_due")


class NotificationOut(Response):
    id: str
    hall_id: int
    event: str
    channel: str          # sms / tray
    role: str
    phone: str            # masked
    text: str
    state: str            # queued / sent / delivered / failed
    gateway: str          # who took it: http / cmpp / log (no SMS provider configured: only logged)
    attempts: int
    last_error: str
    created_at: dt.datetime
    next_attempt_at: dt.datetime
    sent_at: dt.datetime | None
    delivered_at: dt.datetime | None


class NotificationList(Response):
    counts: dict[str, int]   # by state, of the whole filter
    notifications: list[NotificationOut]


class OptOutIn(Request):
    phone: str = Field(min_length=1, max_length=20)


class OptOutOut(Response):
    phone: str            # masked
    source: str
    at: dt.datetime
