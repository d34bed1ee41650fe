"""Licence records (证照库): one row per certificate issued, made at 制证 from the granted case. The holder's
name and ID are sealed (SM4-GCM, bound to the licence) with blind indexes for exact search, like the case's
applicant; only masked forms are stored in clear. A 补领 (reissue) makes a new row that replaces the old one."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from shared.db.base import Base, UtcDateTime

LICENCE_TABLES = ("licence", "licence_rule", "licence_sequence")


class Licence(Base):
    __tablename__ = "licence"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("hall.id"), index=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("approval_case.id"), index=True)
    case_number: Mapped[str] = mapped_column(String(40))
    item_code: Mapped[str] = mapped_column(String(32), index=True)
    item_name: Mapped[str] = mapped_column(String(200))
    scope: Mapped[str] = mapped_column(String(500), default="")
    number: Mapped[str] = mapped_column(String(60), index=True)
    holder_kind: Mapped[str] = mapped_column(String(10))  # person / company
    holder_name_sealed: Mapped[str] = mapped_column(Text)
    holder_name_key: Mapped[str] = mapped_column(String(64), index=True)
    holder_name_masked: Mapped[str] = mapped_column(String(200))
    holder_id_sealed: Mapped[str] = mapped_column(Text)
    holder_id_key: Mapped[str] = mapped_column(String(64), index=True)
    holder_id_masked: Mapped[str] = mapped_column(String(20))
    valid_from: Mapped[dt.date] = mapped_column(Date, index=True)
    valid_until: Mapped[dt.date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(12), index=True)  # valid / revoked / replaced (expired is derived)
    issued_on: Mapped[dt.date] = mapped_column(Date, index=True)
    issued_by: Mapped[str] = mapped_column(String(50))
    revoked_on: Mapped[dt.date | None] = mapped_column(Date)
    revoke_reason: Mapped[str] = mapped_column(String(500), default="")
    replaces_id: Mapped[str | None] = mapped_column(String(36))
    replaced_by_id: Mapped[str | None] = mapped_column(String(36))
    # how this certificate came about: made (制证 of a new licence), reissued (补领), renewed (延续), changed (变更)
    origin: Mapped[str] = mapped_column(String(10), default="made", server_default="made")
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class LicenceRule(Base):
    """Per catalogue item: the numbering pattern, validity and certificate wording (template overrides in
    shared.notices' format). An item without a row uses shared.licences.DEFAULT_RULE."""
    __tablename__ = "licence_rule"
    item_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    prefix: Mapped[str] = mapped_column(String(20), default="")
    pattern: Mapped[str] = mapped_column(String(100))
    validity_years: Mapped[int] = mapped_column(Integer)
    licence_name: Mapped[str] = mapped_column(String(100), default="")
    template: Mapped[dict] = mapped_column(JSON, default=dict)


class LicenceSequence(Base):
    """The last serial given per (item, year): taken under a row lock, so two 制证 never share a number."""
    __tablename__ = "licence_sequence"
    item_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)
