"""Staff users with roles, and registered devices."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.db.base import Base, utcnow

# Workspace roles, then the workflow step roles (shared.approval.defaults) staff may hold besides.
ROLES = ("clerk", "approver", "supervisor", "admin", "leader", "reviewer", "verifier", "head", "licence_officer")
DEVICE_KINDS = ("workstation", "dispenser", "evaluator", "display", "controller")


class StaffUser(Base):
    __tablename__ = "staff_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    display_name: Mapped[str] = mapped_column(String(50))
    staff_no: Mapped[str] = mapped_column(String(20), unique=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    hall_id: Mapped[int | None] = mapped_column(ForeignKey("hall.id"))
    active: Mapped[bool] = mapped_column(default=True)
    # Server-side only: never synced to clients (the sync layer leaves these columns out).
    password_hash: Mapped[str] = mapped_column(String(200), default="")
    failed_attempts: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[dt.datetime | None]
    roles: Mapped[list[StaffRole]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    @property
    def role_names(self) -> list[str]:
        return sorted(r.role for r in self.roles)


class StaffRole(Base):
    __tablename__ = "staff_role"
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)


class Device(Base):
    """A registered client: a counter workstation, a dispenser, an evaluator or a hall display."""
    __tablename__ = "device"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(100))
    hall_id: Mapped[int] = mapped_column(ForeignKey("hall.id"))
    window_id: Mapped[int | None] = mapped_column(ForeignKey("window.id"))
    active: Mapped[bool] = mapped_column(default=True)
    registered_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
