"""Server-only tables of the hall devices: each device's current health (folded from its fault and recovery
facts) and the hall strip's notice set by an admin. Devices read the rows these publish, never the tables."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from shared.db.base import Base, utcnow

DEVICE_SERVER_TABLES = ("device_health", "hall_notice", "notice_settings")


class DeviceHealth(Base):
    """The open faults of one device ([{part, code, since, detail}]; empty = healthy)."""
    __tablename__ = "device_health"
    device_id: Mapped[str] = mapped_column(ForeignKey("device.id"), primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("hall.id"), index=True)
    faults: Mapped[list] = mapped_column(JSON, default=list)
    updated_hlc: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class HallNotice(Base):
    """The text the hall strip (条屏) scrolls."""
    __tablename__ = "hall_notice"
    hall_id: Mapped[int] = mapped_column(ForeignKey("hall.id"), primary_key=True)
    text: Mapped[str] = mapped_column(Text, default="")
    updated_by: Mapped[str] = mapped_column(String(50), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class NoticeSettingsRow(Base):
    """A hall's notice settings (shared/notices/settings.py), set by its admin and published to the hall; no
    row = the packaged office_settings.json."""
    __tablename__ = "notice_settings"
    hall_id: Mapped[int] = mapped_column(ForeignKey("hall.id"), primary_key=True)
    settings: Mapped[dict] = mapped_column(JSON, default=dict)  # the texts and template overrides
    seal_png: Mapped[bytes | None] = mapped_column(LargeBinary)
    updated_by: Mapped[str] = mapped_column(String(50), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
