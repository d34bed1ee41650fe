"""Server-only approval tables: definitions (immutable versions), the case projection, the append-only event
log, submitted files, and the registers used for 信息比对. Personal data (ID numbers, phones, applicants'
names) is stored sealed (SM4-GCM) with a blind index (HMAC-SM3); only masked forms are stored in clear."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.approval.identity import name_key, open_name, pii_keys, seal_name
from shared.db.base import Base, UtcDateTime

BIG_ID = BigInteger().with_variant(Integer, "sqlite")

APPROVAL_TABLES = ("approval_definition", "approval_case", "approval_event", "approval_material",
                   "registry_company", "registry_person")


class ApprovalDefinition(Base):
    """One immutable version of a workflow definition per (item, situation); `body` is definition_to_dict."""
    __tablename__ = "approval_definition"
    __table_args__ = (UniqueConstraint("item_code", "situation_code", "version"),)
    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    item_code: Mapped[str] = mapped_column(String(32))
    situation_code: Mapped[str] = mapped_column(String(40))
    version: Mapped[int]
    body: Mapped[dict] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(50))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class ApprovalCase(Base):
    """The case projection: rebuilt from the events after every command (never edited on its own)."""
    __tablename__ = "approval_case"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("hall.id"), index=True)
    case_number: Mapped[str] = mapped_column(String(40), unique=True)
    item_code: Mapped[str] = mapped_column(String(32), index=True)
    sub_item_code: Mapped[str | None] = mapped_column(String(40))
    situation_code: Mapped[str] = mapped_column(String(40))
    definition_version: Mapped[int]
    # Sealed (SM4-GCM, bound to the case) with a blind index for exact search: `applicant_name` reads and
    # writes it through the server's keys.
    applicant_name_sealed: Mapped[str] = mapped_column(Text, default="")
    applicant_name_key: Mapped[str] = mapped_column(String(64), index=True, default="")
    applicant_kind: Mapped[str] = mapped_column(String(10))
    applicant_id_sealed: Mapped[str] = mapped_column(Text)
    applicant_id_masked: Mapped[str] = mapped_column(String(20))
    applicant_key: Mapped[str] = mapped_column(String(64), index=True)
    phone_sealed: Mapped[str | None] = mapped_column(Text)
    phone_masked: Mapped[str] = mapped_column(String(20), default="")
    status: Mapped[str] = mapped_column(String(30), index=True)
    version: Mapped[int]
    current_steps: Mapped[list] = mapped_column(JSON)
    department: Mapped[str] = mapped_column(String(100), default="")
    town: Mapped[str] = mapped_column(String(50), default="")
    channel: Mapped[str] = mapped_column(String(20), default="")
    ticket_id: Mapped[str | None] = mapped_column(String(36))
    # 延续 (renew) / 变更 (change): the licence the application is about, checked at receipt; "" = a new one
    licence_id: Mapped[str | None] = mapped_column(String(36), index=True)
    licence_action: Mapped[str] = mapped_column(String(10), default="", server_default="")
    received_on: Mapped[dt.date] = mapped_column(Date, index=True)
    accepted_on: Mapped[dt.date | None] = mapped_column(Date)
    urgent: Mapped[bool] = mapped_column(default=False)
    mismatches: Mapped[list] = mapped_column(JSON, default=list)
    last_by: Mapped[str | None] = mapped_column(String(50))
    last_role: Mapped[str | None] = mapped_column(String(30))
    last_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)

    @property
    def applicant_name(self) -> str:
        return open_name(self.applicant_name_sealed, pii_keys(), f"case:{self.id}:applicant_name")

    @applicant_name.setter
    def applicant_name(self, name: str) -> None:
        if not self.id:
            raise ValueError("a case's id comes before its applicant's name (the seal is bound to it)")
        keys = pii_keys()
        self.applicant_name_sealed = seal_name(name, keys, f"case:{self.id}:applicant_name")
        self.applicant_name_key = name_key(name, keys)


class ApprovalEvent(Base):
    """Append-only. `body` is event_to_dict without personal data; `personal_sealed` holds that part."""
    __tablename__ = "approval_event"
    __table_args__ = (UniqueConstraint("case_id", "seq"),)
    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("approval_case.id"), index=True)
    seq: Mapped[int]
    action: Mapped[str] = mapped_column(String(40))
    day: Mapped[dt.date] = mapped_column(Date)
    body: Mapped[dict] = mapped_column(JSON)
    personal_sealed: Mapped[str | None] = mapped_column(Text)


class ApprovalMaterial(Base):
    """A file submitted with a case: name and SHA-256 (the file itself lives in the document store)."""
    __tablename__ = "approval_material"
    __table_args__ = (UniqueConstraint("case_id", "material", "sha256"),)
    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("approval_case.id"), index=True)
    material: Mapped[str] = mapped_column(String(200))
    file_name: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    event_seq: Mapped[int]


class RegistryCompany(Base):
    """市场主体 register for 信息比对 (a company's USCC is public information: stored in clear)."""
    __tablename__ = "registry_company"
    uscc: Mapped[str] = mapped_column(String(18), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    legal_representative: Mapped[str] = mapped_column(String(100), default="")


class RegistryPerson(Base):
    """人口 register for 信息比对: the ID number sealed, found by its blind index; the name sealed too (bound to
    the row), read and written through `name`. Nothing looks a person up by name, so it has no index."""
    __tablename__ = "registry_person"
    id_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    id_sealed: Mapped[str] = mapped_column(Text)
    id_masked: Mapped[str] = mapped_column(String(20))
    name_sealed: Mapped[str] = mapped_column(Text, default="")

    @property
    def name(self) -> str:
        return open_name(self.name_sealed, pii_keys(), f"registry_person:{self.id_key}:name")

    @name.setter
    def name(self, name: str) -> None:
        if not self.id_key:
            raise ValueError("a register row's id key comes before its name (the seal is bound to it)")
        self.name_sealed = seal_name(name, pii_keys(), f"registry_person:{self.id_key}:name")


class NoticeSigningKey(Base):
    """The SM2 public keys notices are signed with (shared.crypto.sm2): each workstation's own key, registered
    with the device (provisioning, or the key a registration names) — or, for a device registered before
    that, bound to it at the first 送达 it records — and the server's. A key serves one device only, so a
    notice's signature names the workstation that made it."""
    __tablename__ = "notice_signing_key"
    key_id: Mapped[str] = mapped_column(String(16), primary_key=True)   # first 16 hex digits of SM3(public key)
    device_id: Mapped[str] = mapped_column(String(36), index=True)      # "server" for the server's own key
    public_key: Mapped[str] = mapped_column(Text)                       # SubjectPublicKeyInfo DER, hex
    first_used_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)   # its first 送达
    registered_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)   # with the device's registration


class StatsCase(Base):
    """The statistics projection (查询统计): one row per case with its share of every figure
    (shared.approval.statistics.figures), so a year's table is a GROUP BY instead of replaying every case.
    A row is stale — and recomputed before an answer uses it — when the case's version moved on (any command,
    a late-synced one included, rebuilds the case with a new version), when the calendar changed, or, for an
    open case, when it was computed for another day (its card and 在办 depend on today)."""
    __tablename__ = "stats_case"
    case_id: Mapped[str] = mapped_column(ForeignKey("approval_case.id"), primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("hall.id"), index=True)
    case_version: Mapped[int]
    calendar_key: Mapped[str] = mapped_column(String(64))
    as_of: Mapped[dt.date] = mapped_column(Date)
    is_open: Mapped[bool]
    received_on: Mapped[dt.date] = mapped_column(Date, index=True)
    year: Mapped[str] = mapped_column(String(4))
    quarter: Mapped[str] = mapped_column(String(7))
    month: Mapped[str] = mapped_column(String(7))
    town: Mapped[str] = mapped_column(String(50))
    item: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(20))
    department: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(30))
    accepted: Mapped[int]
    not_accepted: Mapped[int]
    granted: Mapped[int]
    refused: Mapped[int]
    closed: Mapped[int]
    withdrawn: Mapped[int]
    terminated: Mapped[int]
    in_progress: Mapped[int]
    overdue: Mapped[int]
    cycle_days: Mapped[int | None]
