"""Notifications for admins: the outbox with each message's delivery state (queued/sent/delivered/failed), and
opting a phone number out of every SMS. Rows are confined to the admin's hall; an opt-out is centre-wide."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from sqlalchemy import func, select

from server.api.deps import AdminUser, Clock, DbSession
from server.api.errors import ApiError
from server.api.queue_deps import pii_keys
from server.notify.models import Notification
from server.notify.phones import mobile
from server.notify.sender import opt_out
from server.store.audit import audit
from shared.crypto.keys import KeyProvider
from shared.protocol.notifications import NotificationList, NotificationOut, OptOutIn, OptOutOut

router = APIRouter(prefix="/api/v1/admin/notifications", tags=["admin: notifications"])
Keys = Annotated[KeyProvider, Depends(pii_keys)]
State = Literal["queued", "sent", "delivered", "failed"]


def _out(row: Notification) -> NotificationOut:
    return NotificationOut(id=row.id, hall_id=row.hall_id, event=row.event, channel=row.channel, role=row.role,
                           phone=row.phone_masked, text=row.text, state=row.state, gateway=row.gateway,
                           attempts=row.attempts,
                           last_error=row.last_error, created_at=row.created_at, next_attempt_at=row.next_attempt_at,
                           sent_at=row.sent_at, delivered_at=row.delivered_at)


@router.get("", response_model=NotificationList)
def list_notifications(session: DbSession, admin: AdminUser, state: State | None = None,
                       event: Annotated[str | None, Query(max_length=40)] = None,
                       limit: Annotated[int, Query(ge=1, le=500)] = 100) -> NotificationList:
    where = []
    if admin.hall_id is not None:
        where.append(Notification.hall_id == admin.hall_id)
    if event is not None:
        where.append(Notification.event == event)
    counts = dict(session.execute(select(Notification.state, func.count()).where(*where)
                                  .group_by(Notification.state)).all())
    if state is not None:
        where.append(Notification.state == state)
    rows = session.scalars(select(Notification).where(*where)
                           .order_by(Notification.created_at.desc(), Notification.id).limit(limit))
    return NotificationList(counts=counts, notifications=[_out(r) for r in rows])


@router.post("/opt-outs", response_model=OptOutOut, status_code=201)
def add_opt_out(body: OptOutIn, session: DbSession, admin: AdminUser, clock: Clock, keys: Keys) -> OptOutOut:
    phone = mobile(body.phone)
    if phone is None:
        raise ApiError(422, "invalid_phone", "手机号码格式不正确（应为11位手机号）")
    row = opt_out(session, keys, phone, clock(), source="admin", by=admin.username)
    session.flush()
    audit(session, action="notify.opt_out", outcome="ok", actor=admin.username, target=row.phone_masked)
    return OptOutOut(phone=row.phone_masked, source=row.source, at=row.at)
