"""An attachment's record and the chunks received so far. The bytes live in the attachment store, sealed per
chunk (shared.attachments.sealed_file); these rows say what is there and whether the file is whole."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from shared.db.base import Base

TABLE = "case_attachment"  # also the table name of the rows published to workstations


class CaseAttachment(Base):
    __tablename__ = TABLE
    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # made by the counter
    case_id: Mapped[str] = mapped_column(ForeignKey("approval_case.id"), index=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("hall.id"), index=True)
    ordinal: Mapped[int] = mapped_column(Integer, default=0)  # the order the counter attached them in
    material: Mapped[str] = mapped_column(String(200))
    file_name: Mapped[str] = mapped_column(String(200))
    mime: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    chunk_bytes: Mapped[int] = mapped_column(Integer)
    chunks: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(12), index=True)  # uploading / complete
    key_id: Mapped[str] = mapped_column(String(32))
    device_id: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class AttachmentChunk(Base):
    __tablename__ = "case_attachment_chunk"
    attachment_id: Mapped[str] = mapped_column(ForeignKey("case_attachment.id"), primary_key=True)
    index: Mapped[int] = mapped_column(Integer, primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
