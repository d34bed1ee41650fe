"""Server-only sync tables: device credentials, command log, change log, hall counters, leases and the
generic synced entities (facts, versioned entities, issued numbers). Never part of a client cache."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shared.db.base import Base, utcnow

# SQLite autoincrements only an INTEGER primary key (the rowid); PostgreSQL gets a bigint identity.
BIG_ID = BigInteger().with_variant(Integer, "sqlite")

SERVER_SYNC_TABLES = ("sync_device", "command_log", "change_log", "sync_counter", "scope_floor", "sync_fact",
                      "sync_entity", "number_series", "number_block", "issued_number")


class SyncDevice(Base):
    """A device's credential and command position. The token is stored as its SHA-256 only."""
    __tablename__ = "sync_device"
    device_id: Mapped[str] = mapped_column(ForeignKey("device.id"), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    app_version: Mapped[str] = mapped_column(String(30), default="")
    last_seen_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]  # set by an admin: the token is refused from then on


class CommandLog(Base):
    """Every command a device sent, with its outcome: idempotency record and audit trail in one."""
    __tablename__ = "command_log"
    __table_args__ = (UniqueConstraint("device_id", "seq"),)
    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    device_id: Mapped[str] = mapped_column(ForeignKey("device.id"))
    seq: Mapped[int] = mapped_column(BigInteger)
    command_id: Mapped[str] = mapped_column(String(36), unique=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("hall.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    version: Mapped[int]
    args: Mapped[dict] = mapped_column(JSON)
    base: Mapped[dict | None] = mapped_column(JSON)
    hlc: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(10))  # accepted / rejected
    code: Mapped[str | None] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(String(300), default="")
    http_status: Mapped[int] = mapped_column(default=200)
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    result: Mapped[dict] = mapped_column(JSON, default=dict)
    server_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ChangeLog(Base):
    """What pull serves: one row per change, numbered by its hall's counter (commit order = seq order)."""
    __tablename__ = "change_log"
    __table_args__ = (Index("ix_change_log_scope_seq", "scope", "seq"),
                      Index("ix_change_log_key", "scope", "tbl", "pk", "seq"))
    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("hall.id"))
    scope: Mapped[str] = mapped_column(String(40))
    seq: Mapped[int] = mapped_column(BigInteger)
    tbl: Mapped[str] = mapped_column(String(40))
    pk: Mapped[str] = mapped_column(String(80))
    op: Mapped[str] = mapped_column(String(6))  # upsert / delete (a tombstone)
    row: Mapped[dict | None] = mapped_column(JSON)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)


class SyncCounter(Base):
    """One row per hall; incremented under its row lock inside every write transaction of that hall."""
    __tablename__ = "sync_counter"
    hall_id: Mapped[int] = mapped_column(ForeignKey("hall.id"), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class ScopeFloor(Base):
    """Compaction raised this scope's minimum cursor: an older non-zero cursor must reset."""
    __tablename__ = "scope_floor"
    scope: Mapped[str] = mapped_column(String(40), primary_key=True)
    min_seq: Mapped[int] = mapped_column(BigInteger, default=0)


class SyncFact(Base):
    """An insert-only fact with a client-made UUID (a call event, a rating, an uploaded material)."""
    __tablename__ = "sync_fact"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("hall.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    body: Mapped[dict] = mapped_column(JSON)
    device_id: Mapped[str] = mapped_column(String(36))
    hlc: Mapped[str] = mapped_column(String(64))


class SyncEntity(Base):
    """A versioned entity: every change names the version it was based on (no last-write-wins)."""
    __tablename__ = "sync_entity"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("hall.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    version: Mapped[int]
    state: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict] = mapped_column(JSON)
    updated_by: Mapped[str] = mapped_column(String(36))
    updated_hlc: Mapped[str] = mapped_column(String(64))


class NumberSeries(Base):
    """(series, hall, prefix, day): live blocks grow from the bottom, reserve blocks from the top."""
    __tablename__ = "number_series"
    __table_args__ = (UniqueConstraint("series", "hall_id", "prefix", "day"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    series: Mapped[str] = mapped_column(String(20))
    hall_id: Mapped[int] = mapped_column(ForeignKey("hall.id"))
    prefix: Mapped[str] = mapped_column(String(2))
    day: Mapped[str] = mapped_column(String(10))
    next_live: Mapped[int] = mapped_column(default=1)
    reserve_floor: Mapped[int]  # lowest number given to a reserve block so far (+1 past the top at first)


class NumberBlock(Base):
    """A granted range. `returned_above` marks a returned tail: numbers above it went back to the pool
    (as a new block of kind 'free' that a later live ask takes first)."""
    __tablename__ = "number_block"
    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("number_series.id"), index=True)
    device_id: Mapped[str | None] = mapped_column(String(36))
    request_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    kind: Mapped[str] = mapped_column(String(8))  # live / reserve / free
    first: Mapped[int]
    last: Mapped[int]
    returned_above: Mapped[int | None]
    granted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class IssuedNumber(Base):
    """A number issued from a series (a ticket number, later case and receipt numbers)."""
    __tablename__ = "issued_number"
    __table_args__ = (UniqueConstraint("series", "hall_id", "prefix", "day", "display"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    series: Mapped[str] = mapped_column(String(20))
    hall_id: Mapped[int] = mapped_column(ForeignKey("hall.id"))
    prefix: Mapped[str] = mapped_column(String(2))
    day: Mapped[str] = mapped_column(String(10))
    number: Mapped[int | None]  # None for a device-suffixed fallback number
    display: Mapped[str] = mapped_column(String(20))
    block_id: Mapped[int | None] = mapped_column(ForeignKey("number_block.id"))
    device_id: Mapped[str] = mapped_column(String(36))
    fallback: Mapped[bool] = mapped_column(default=False)
    ref: Mapped[str] = mapped_column(String(80), default="")
    hlc: Mapped[str] = mapped_column(String(64))
