"""The archive's rows: one per archived case (numbers, the manifest's SM3 and SM2 signature, retention) and
one per disposal. The documents and the manifest themselves are in the archive storage (storage.py)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shared.db.base import Base, UtcDateTime

BIG_ID = BigInteger().with_variant(Integer, "sqlite")
ARCHIVED, DISPOSED = "archived", "disposed"


class CaseArchive(Base):
    __tablename__ = "case_archive"
    __table_args__ = (UniqueConstraint("hall_id", "year", "seq"),)
    case_id: Mapped[str] = mapped_column(ForeignKey("approval_case.id"), primary_key=True)  # once per case
    hall_id: Mapped[int] = mapped_column(ForeignKey("hall.id"), index=True)
    archive_no: Mapped[str] = mapped_column(String(60), unique=True)
    year: Mapped[int]
    seq: Mapped[int]
    case_number: Mapped[str] = mapped_column(String(40))
    item_code: Mapped[str] = mapped_column(String(32))
    closed_on: Mapped[dt.date] = mapped_column(Date, index=True)
    built_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    document_count: Mapped[int]
    manifest_sm3: Mapped[str] = mapped_column(String(64))
    manifest_signature: Mapped[str] = mapped_column(Text)  # SM2 (DER, hex) by the server's notice signing key
    signer_key: Mapped[str] = mapped_column(Text)          # that key's SubjectPublicKeyInfo DER, hex
    retention_until: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default=ARCHIVED)


class ArchiveDisposal(Base):
    """销毁: who, when, why and on whose approval; the archive row stays (status disposed), the files go."""
    __tablename__ = "archive_disposal"
    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("case_archive.case_id"), unique=True)
    disposed_by: Mapped[str] = mapped_column(String(50))
    disposed_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    reason: Mapped[str] = mapped_column(Text)
    approved_by: Mapped[str] = mapped_column(String(100))
    approval_ref: Mapped[str] = mapped_column(String(100))
