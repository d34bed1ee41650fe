"""The notification outbox and the opt-out list. The phone number is sealed (SM4-GCM, bound to the row) and
indexed by its blind index, so rate limits and opt-outs are looked up without holding a number in clear."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from shared.db.base import Base

# queued → sent → delivered, or → failed (refused, given up, opted out). Staff alerts are sent on insert:
# they reach the desktops through sync.
STATES = ("queued", "sent", "delivered", "failed")


class Notification(Base):
    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_due", "state", "next_attempt_at"),
                      Index("ix_notification_phone_sent", "phone_index", "sent_at"))
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    # One notification per event and recipient however often the event's code runs (e.g. near_call:<ticket>).
    dedupe_key: Mapped[str] = mapped_column(String(120), unique=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("hall.id"))
    event: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(8))  # sms / tray
    role: Mapped[str] = mapped_column(String(40), default="")  # the staff role a tray alert is for
    phone_sealed: Mapped[str | None] = mapped_column(Text)
    phone_index: Mapped[str] = mapped_column(String(64), default="")
    phone_masked: Mapped[str] = mapped_column(String(20), default="")
    params: Mapped[dict] = mapped_column(JSON)
    text: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(10))
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime]
    last_error: Mapped[str] = mapped_column(String(200), default="")
    gateway: Mapped[str] = mapped_column(String(10), default="")
    gateway_msg_id: Mapped[str] = mapped_column(String(64), default="", index=True)
    created_at: Mapped[dt.datetime]
    sent_at: Mapped[dt.datetime | None]
    delivered_at: Mapped[dt.datetime | None]


class NotificationOptOut(Base):
    """A number that replied TD (退订) or was opted out by an admin: nothing is ever sent to it."""
    __tablename__ = "notification_opt_out"
    phone_index: Mapped[str] = mapped_column(String(64), primary_key=True)
    phone_masked: Mapped[str] = mapped_column(String(20), default="")
    source: Mapped[str] = mapped_column(String(10))  # reply / admin
    by: Mapped[str] = mapped_column(String(50), default="")
    at: Mapped[dt.datetime]
