"""Server-only queue tables: tickets, calls, window states, ratings, appointments, hall rules and the
near-call notification outbox. Devices never hold these tables: they read the rows the handlers publish
(shared/protocol/queue.py) from the change log."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shared.db.base import Base, utcnow

QUEUE_SERVER_TABLES = ("queue_ticket", "queue_call", "queue_window_state", "queue_rating", "queue_hall_rules",
                       "queue_appointment", "queue_notification", "queue_ticket_phone")


class QueueTicket(Base):
    """One ticket and its whole life. `periods`, `issued_at` and `queue_key` are JSON in the wire shape."""
    __tablename__ = "queue_ticket"
    # No printed number twice in one series (hall, prefix of the issuing business, day).
    __table_args__ = (UniqueConstraint("hall_id", "day", "series_prefix", "display"),
                      # A hall's day by state; and per business and class its line in order, so a call finds
                      # each group's head by a seek, not by reading every waiting ticket (server.queue.call_next).
                      Index("ix_queue_ticket_line", "hall_id", "day", "state", "business_id", "priority_class",
                            "line_ms"),
                      # What a window has called or serves (every call asks it): found without reading every
                      # ticket the hall ever issued.
                      Index("ix_queue_ticket_window_state", "window_id", "state"),
                      # every issue counts the day's walk-ins of its business (quota): from the index alone
                      Index("ix_queue_ticket_quota", "hall_id", "issued_business_id", "day", "counts_against_quota",
                            "is_am"),
                      # every push of tickets asks which of its numbers are printed, by (day, display)
                      Index("ix_queue_ticket_day_display", "day", "display"))
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("hall.id"))
    business_id: Mapped[int] = mapped_column(ForeignKey("business.id"))
    issued_business_id: Mapped[int] = mapped_column(Integer)  # before any transfer: the quota it used
    series_prefix: Mapped[str] = mapped_column(String(2))
    day: Mapped[dt.date] = mapped_column(Date)
    display: Mapped[str] = mapped_column(String(20))
    number: Mapped[int | None]
    block_id: Mapped[int | None]
    device_id: Mapped[str] = mapped_column(String(36))
    channel: Mapped[str] = mapped_column(String(10))
    priority_class: Mapped[int]
    green_reason: Mapped[str | None] = mapped_column(String(10))
    appointment_id: Mapped[str | None] = mapped_column(String(36))
    person_key: Mapped[str | None] = mapped_column(String(64), index=True)
    issued_at: Mapped[list] = mapped_column(JSON)
    queue_key: Mapped[list] = mapped_column(JSON)
    # The queue key's physical ms, a column of its own for the line's index (store.progress writes both);
    # nullable only so that it could be added to a filled table.
    line_ms: Mapped[int | None] = mapped_column(BigInteger)
    state: Mapped[str] = mapped_column(String(10))
    window_id: Mapped[int | None]
    clerk: Mapped[str | None] = mapped_column(String(50))
    target_window_id: Mapped[int | None]
    recalls: Mapped[int] = mapped_column(default=0)
    transfers: Mapped[int] = mapped_column(default=0)
    periods: Mapped[list] = mapped_column(JSON)
    printed: Mapped[bool] = mapped_column(default=True)
    print_state: Mapped[str] = mapped_column(String(10), default="printed", server_default="printed")
    flags: Mapped[list] = mapped_column(JSON, default=list)
    counts_against_quota: Mapped[bool] = mapped_column(default=True)
    is_am: Mapped[bool] = mapped_column(default=True)
    issued_wall: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class QueueCall(Base):
    """Every call, recall and call-back, accepted or lost to an earlier claim (kept for the record)."""
    __tablename__ = "queue_call"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("hall.id"))
    ticket_id: Mapped[str] = mapped_column(String(36), index=True)
    display: Mapped[str] = mapped_column(String(20))
    window_id: Mapped[int]
    window_number: Mapped[int]
    kind: Mapped[str] = mapped_column(String(10))
    mode: Mapped[str] = mapped_column(String(10))
    at: Mapped[dt.datetime]
    accepted: Mapped[bool]
    device_id: Mapped[str] = mapped_column(String(36))
    reasons: Mapped[list] = mapped_column(JSON, default=list)


class QueueWindowState(Base):
    """A window's pause flag, its current ticket and its place in the fairness cycle."""
    __tablename__ = "queue_window_state"
    window_id: Mapped[int] = mapped_column(ForeignKey("window.id"), primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("hall.id"))
    paused: Mapped[bool] = mapped_column(default=False)
    since: Mapped[dt.datetime | None]
    current_ticket_id: Mapped[str | None] = mapped_column(String(36))
    fairness_priority: Mapped[int] = mapped_column(default=0)
    fairness_normal: Mapped[int] = mapped_column(default=0)


class QueueRating(Base):
    """好差评 of one visit (one per ticket); `rectification_due` set for 差评."""
    __tablename__ = "queue_rating"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("hall.id"))
    ticket_id: Mapped[str] = mapped_column(String(36), unique=True)
    business_id: Mapped[int]
    window_id: Mapped[int]
    clerk: Mapped[str] = mapped_column(String(50))
    level: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(500), default="")
    at: Mapped[dt.datetime]
    finished_at: Mapped[dt.datetime]
    rectification_due: Mapped[dt.date | None] = mapped_column(Date)


class QueueHallRules(Base):
    """A hall's queue rules as one validated JSON document (see server/queue/config.py)."""
    __tablename__ = "queue_hall_rules"
    hall_id: Mapped[int] = mapped_column(ForeignKey("hall.id"), primary_key=True)
    rules: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(50), default="")


class QueueAppointment(Base):
    """预约. The ID number is stored sealed (SM4-GCM); look-ups go through its blind index."""
    __tablename__ = "queue_appointment"
    __table_args__ = (Index("ix_queue_appointment_slot", "business_id", "slot_start"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("hall.id"))
    business_id: Mapped[int] = mapped_column(ForeignKey("business.id"))
    day: Mapped[dt.date] = mapped_column(Date, index=True)
    slot_start: Mapped[dt.datetime]
    slot_end: Mapped[dt.datetime]
    person_key: Mapped[str] = mapped_column(String(64), index=True)
    id_sealed: Mapped[str] = mapped_column(String(200))
    masked_id: Mapped[str] = mapped_column(String(18))
    token_key: Mapped[str] = mapped_column(String(64), unique=True)  # blind index of the QR token
    state: Mapped[str] = mapped_column(String(12))  # booked / cancelled / checked_in / late / no_show
    ticket_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # SHA-256 of the booking code (预约码) given once at booking: search and cancel need it with the ID number.
    code_hash: Mapped[str] = mapped_column(String(64), default="")
    # The phone for booking and near-call SMS, sealed like the ID number (None: none given).
    phone_sealed: Mapped[str | None] = mapped_column(Text)
    # The name given at booking, sealed like the ID number (None: none given); the clerk sees it at check-in,
    # the citizen's pages only its masked form.
    name_sealed: Mapped[str | None] = mapped_column(Text)
    masked_name: Mapped[str] = mapped_column(String(30), default="")


class QueueTicketPhone(Base):
    """The mobile number of a ticket taken by phone (手机号取号), for its near-call SMS: sealed under the
    server's PII keys like the appointment phone, with its blind index (never published to devices)."""
    __tablename__ = "queue_ticket_phone"
    ticket_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("hall.id"))
    phone_sealed: Mapped[str] = mapped_column(Text)
    phone_index: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class QueueNotification(Base):
    """The near-call outbox: one row per ticket and kind, sent by a pluggable sender."""
    __tablename__ = "queue_notification"
    __table_args__ = (UniqueConstraint("ticket_id", "kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("hall.id"))
    ticket_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(12))  # near_call
    payload: Mapped[dict] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(8), default="pending")  # pending / sent / failed
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None]


class BookingRequest(Base):
    """One booking request of one client (token hash or address), kept for an hour: the per-client limit is
    counted here, so all server processes share it (server/queue/booking_limits.py)."""
    __tablename__ = "queue_booking_request"
    id: Mapped[int] = mapped_column(primary_key=True)
    client: Mapped[str] = mapped_column(String(80))
    at: Mapped[dt.datetime] = mapped_column(index=True)
    __table_args__ = (Index("ix_queue_booking_request_client_at", "client", "at"),)


class StatsQueueDay(Base):
    """The queue statistics projection on the server: one hall day's shared/queue/projection facts (the
    per-grouping totals, as the workstation stores them), so a statistics request adds up stored days instead
    of reading every ticket. A day's row is dropped when a change to one of its tickets or ratings (or a rating's
    rectification record) is published, and computed again at the next request (server/queue/stats_store)."""
    __tablename__ = "queue_stats_day"
    hall_id: Mapped[int] = mapped_column(ForeignKey("hall.id"), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    facts: Mapped[str] = mapped_column(Text)


class StatsQueueCursor(Base):
    """How far in the hall's change log the stored days were brought up to date, and in which facts format."""
    __tablename__ = "queue_stats_cursor"
    hall_id: Mapped[int] = mapped_column(ForeignKey("hall.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    format: Mapped[str] = mapped_column(String(20))
