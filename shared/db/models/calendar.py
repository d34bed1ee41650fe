"""Calendar overrides: days decided by a State Council notice (or corrected locally), and published years."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from shared.db.base import Base, utcnow


class CalendarOverride(Base):
    __tablename__ = "calendar_override"
    day: Mapped[dt.date] = mapped_column(primary_key=True)
    is_workday: Mapped[bool]
    notice: Mapped[str] = mapped_column(String(200), default="")  # e.g. 国办发明电〔2026〕N号
    updated_by: Mapped[str] = mapped_column(String(50), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class CalendarYear(Base):
    """A year whose holidays and make-up working days have all been entered as overrides; its other days
    follow the weekday rule. Years the `chinesecalendar` package covers need no row."""
    __tablename__ = "calendar_year"
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    notice: Mapped[str] = mapped_column(String(200), default="")
    updated_by: Mapped[str] = mapped_column(String(50), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
