"""Server-only tables of the 差评 loop: one rectification record per 差评 (its full row as JSON, with the
columns lists filter on) and the ratings of cases (一事一评)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from shared.db.base import Base, UtcDateTime

RATING_TABLES = ("rating_rectification", "case_rating", "case_rating_ask")


class RatingRectification(Base):
    """整改记录: `row` is shared.rating.rectification's record; the columns mirror what lists filter on."""
    __tablename__ = "rating_rectification"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("hall.id"), index=True)
    rating_id: Mapped[str] = mapped_column(String(36), unique=True)
    source: Mapped[str] = mapped_column(String(10))  # ticket / case
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    status: Mapped[str] = mapped_column(String(20), index=True)
    version: Mapped[int]
    opened_on: Mapped[dt.date] = mapped_column(Date, index=True)
    row: Mapped[dict] = mapped_column(JSON)


class CaseRating(Base):
    """一事一评: the citizen's rating of one closed case (one per case)."""
    __tablename__ = "case_rating"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("hall.id"), index=True)
    case_id: Mapped[str] = mapped_column(String(36), unique=True)
    level: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(500), default="")
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime, index=True)
    by: Mapped[str] = mapped_column(String(50))


class CaseRatingAsk(Base):
    """一事一评 on the counter's evaluator: the case a clerk at this window finished last for the citizen at the
    counter (one per window; a newer ask replaces it). The evaluator may rate only this case."""
    __tablename__ = "case_rating_ask"
    window_id: Mapped[int] = mapped_column(ForeignKey("window.id"), primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("hall.id"), index=True)
    ask_id: Mapped[str] = mapped_column(String(36))
    case_id: Mapped[str] = mapped_column(String(36), index=True)
    asked_by: Mapped[str] = mapped_column(String(50))
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    state: Mapped[str] = mapped_column(String(10))  # open / rated
    rating_id: Mapped[str | None] = mapped_column(String(36))
    row: Mapped[dict] = mapped_column(JSON)
