"""`notify(...)`: the one call an event's code makes. It writes the notification in the caller's transaction,
so an event that rolls back sends nothing; the scheduled sender (server/notify/sender.py) delivers SMS later.
Staff alerts go to the desktops of the role through sync at once (a `staff_alert` row in the role's scope)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.notify.models import Notification
from server.notify.templates import CITIZEN, STAFF, TEMPLATES
from shared.approval.personal import PHONE, protect
from shared.crypto.keys import KeyProvider

ALERT_TABLE = "staff_alert"
Publish = Callable[[str, str, str, dict], None]  # (scope, table, pk, row)


def phone_where(notification_id: str) -> str:
    return f"notification:{notification_id}:phone"


def notify(session: Session, event: str, *, hall_id: int, now: dt.datetime, key: str, params: dict,
           phone: str | None = None, keys: KeyProvider | None = None, role: str = "",
           publish: Publish | None = None) -> Notification | None:
    """Queue `event` for a citizen's `phone` (sealed with `keys`) or alert the staff `role` of the hall
    (published through `publish`). `key` makes it once per event and recipient: a second call with the same
    key does nothing. Returns the new row, or None (no phone to send to, or already queued)."""
    template = TEMPLATES[event]
    text = template.render(params)
    dedupe = (f"{event}:{key}:{role}" if template.audience == STAFF else f"{event}:{key}")[:120]
    if template.audience == CITIZEN and not phone:
        return None
    if session.scalar(select(Notification.id).where(Notification.dedupe_key == dedupe)) is not None:
        return None
    row = Notification(id=str(uuid.uuid4()), dedupe_key=dedupe, hall_id=hall_id, event=event,
                       params={k: params[k] for k in template.params}, text=text, attempts=0,
                       next_attempt_at=now, created_at=now, last_error="", gateway="", gateway_msg_id="")
    if template.audience == CITIZEN:
        if keys is None:
            raise ValueError("a citizen's phone needs the PII keys to be sealed")
        protected = protect(PHONE, phone, keys, phone_where(row.id))
        row.channel, row.state, row.role = "sms", "queued", ""
        row.phone_sealed, row.phone_index, row.phone_masked = protected.sealed, protected.index, protected.masked
    else:
        if not role or publish is None:
            raise ValueError("a staff alert needs the role and a publisher")
        row.channel, row.state, row.role, row.sent_at = "tray", "sent", role, now
        row.phone_index, row.phone_masked = "", ""
        publish(f"role:{hall_id}:{role}", ALERT_TABLE, row.id, alert_row(row))
    session.add(row)
    return row


def alert_row(row: Notification) -> dict:
    return {"id": row.id, "event": row.event, "role": row.role, "text": row.text, "params": row.params,
            "at": row.created_at.isoformat()}
