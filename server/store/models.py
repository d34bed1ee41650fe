"""Server-only tables: login tokens, keypad-login PINs, the audit trail and scheduled job runs. Never part of a
client cache."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, BigInteger, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from shared.db.base import Base, utcnow


class AuthToken(Base):
    """A bearer token for a staff session; only its SHA-256 is stored."""
    __tablename__ = "auth_token"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    device_id: Mapped[str | None] = mapped_column(String(36))
    issued_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    revoked: Mapped[bool] = mapped_column(default=False)
    # Refused once unused for settings.token_idle_minutes (server/credentials/idle.py); None: never used yet.
    last_used_at: Mapped[dt.datetime | None]


class AuditEntry(Base):
    """Who did what, when, from where, and how it ended. Append-only."""
    __tablename__ = "audit_entry"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(50), default="")
    device_id: Mapped[str | None] = mapped_column(String(36))
    action: Mapped[str] = mapped_column(String(50), index=True)
    outcome: Mapped[str] = mapped_column(String(30))
    target: Mapped[str] = mapped_column(String(100), default="")
    client_address: Mapped[str] = mapped_column(String(64), default="")
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    # HMAC-SM3 over the previous row's mac and this row's content (server/store/audit_chain.py).
    mac: Mapped[str] = mapped_column(String(64), default="")


class AuditChainHead(Base):
    """The audit chain's last link: one row, locked by each append so concurrent writers queue up."""
    __tablename__ = "audit_chain_head"
    id: Mapped[int] = mapped_column(primary_key=True)
    last_id: Mapped[int] = mapped_column(default=0)
    last_mac: Mapped[str] = mapped_column(String(64), default="")


class AuditAnchor(Base):
    """The rows written before the chain existed (migration 0011 left them without a mac), chained once the
    server first had its key (server/store/audit_chain.py anchor_unchained): a segment of their own, from the
    first row to `last_id`, whose last link is recorded here. They are verified as they were when anchored."""
    __tablename__ = "audit_anchor"
    id: Mapped[int] = mapped_column(primary_key=True)
    last_id: Mapped[int]
    rows: Mapped[int]
    last_mac: Mapped[str] = mapped_column(String(64))
    anchored_at: Mapped[dt.datetime]


class StaffCredential(Base):
    """A staff member's password state beyond its hash: must it be changed (first login, after a reset) and
    when it was last set (expiry). No row = an account from before this table, treated as set long ago."""
    __tablename__ = "staff_credential"
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), primary_key=True)
    must_change: Mapped[bool] = mapped_column(default=False)
    changed_at: Mapped[dt.datetime | None]


class PasswordHistory(Base):
    """The hashes of a staff member's earlier passwords, so the last few are not reused."""
    __tablename__ = "password_history"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    set_at: Mapped[dt.datetime]


class LoginThrottle(Base):
    """Failed logins per (typed username, client address) and per address alone. Keyed by what was typed,
    so an unknown username locks exactly like a real one and the answers reveal nothing."""
    __tablename__ = "login_throttle"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    first_at: Mapped[dt.datetime]
    locked_until: Mapped[dt.datetime | None]


class StaffPin(Base):
    """A staff member's keypad-login PIN (hashed like a password) and its own failure count and lock."""
    __tablename__ = "staff_pin"
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), primary_key=True)
    pin_hash: Mapped[str] = mapped_column(String(200))
    set_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    failed_attempts: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[dt.datetime | None]


class ServerJob(Base):
    """The last run of each scheduled job, shared by every server process on the database: a process runs a
    job only when this row says it is due, inside a transaction that holds the job's lock (server/job_claims)."""
    __tablename__ = "server_job"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_run: Mapped[dt.datetime]
    runs: Mapped[int] = mapped_column(default=0)
    ran_by: Mapped[str] = mapped_column(String(128), default="")
    last_error: Mapped[str | None] = mapped_column(String(500))


class WindowSetting(Base):
    """What an admin keeps about a window beyond the synced row: the address of its LED card on the hall's bus.
    Server-only, so a client cache needs no migration for it."""
    __tablename__ = "window_setting"
    window_id: Mapped[int] = mapped_column(ForeignKey("window.id"), primary_key=True)
    led_address: Mapped[str | None] = mapped_column(String(32))


class StaffAssignment(Base):
    """The window a staff member usually works at (set by the admin; a workstation still names its own)."""
    __tablename__ = "staff_assignment"
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), primary_key=True)
    window_id: Mapped[int | None] = mapped_column(ForeignKey("window.id"))


class StaffPhoto(Base):
    """A staff member's photo for the evaluator (PNG or JPEG, size-limited by the admin API)."""
    __tablename__ = "staff_photo"
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), primary_key=True)
    content_type: Mapped[str] = mapped_column(String(20))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class MaterialSampleFile(Base):
    """A catalogue material's sample file (样表, shared.material_sample): what it is and where its bytes are —
    sealed in the attachment store (server.storage, area "attachments") as object "<object_id>/0" under `key_id`."""
    __tablename__ = "material_sample_file"
    material_id: Mapped[int] = mapped_column(ForeignKey("material.id"), primary_key=True)
    file_name: Mapped[str] = mapped_column(String(200))
    mime: Mapped[str] = mapped_column(String(40))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    object_id: Mapped[str] = mapped_column(String(36))
    key_id: Mapped[str] = mapped_column(String(32))
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class RegistrationCode(Base):
    """A one-time device registration code (扫码登记, shared.protocol.registration): only its SHA-256 is kept;
    redeemed once (used_at, device_id) before it expires, for the kind, hall and window the admin chose."""
    __tablename__ = "registration_code"
    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    hall_code: Mapped[str] = mapped_column(String(32))
    window_number: Mapped[int | None]
    name: Mapped[str] = mapped_column(String(100), default="")
    server_url: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]
    device_id: Mapped[str | None] = mapped_column(String(64))


class CacheVersion(Base):
    """What a server process may keep between requests, and the version it holds at: a row per cached kind
    ("hall_config", "device_token", "definitions", "calendar", "scope_floor"), its value replaced by database
    triggers on every write to the tables the cache is made of (migrations 0046, 0058, 0059, 0060), so every
    process sharing the database sees a change at its next request (server/store/versions.py)."""
    __tablename__ = "cache_version"
    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)
