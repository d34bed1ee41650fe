"""Organisation: centre → hall → floor → window; businesses (ticket prefixes) and who serves them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.db.base import Base


class Centre(Base):
    """政务服务中心."""
    __tablename__ = "centre"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    halls: Mapped[list[Hall]] = relationship(back_populates="centre", order_by="Hall.code")


class Hall(Base):
    """大厅."""
    __tablename__ = "hall"
    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id"))
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(200), default="")
    # The public base URL phones reach this hall's server at (shared/public_url.py); "" = the LAN address.
    public_url: Mapped[str] = mapped_column(String(200), default="")
    centre: Mapped[Centre] = relationship(back_populates="halls")
    floors: Mapped[list[Floor]] = relationship(back_populates="hall", order_by="Floor.level")
    windows: Mapped[list[Window]] = relationship(back_populates="hall", order_by="Window.number")
    businesses: Mapped[list[Business]] = relationship(back_populates="hall", order_by="Business.prefix")


class Floor(Base):
    """楼层."""
    __tablename__ = "floor"
    __table_args__ = (UniqueConstraint("hall_id", "level"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("hall.id"))
    level: Mapped[int]
    name: Mapped[str] = mapped_column(String(50))
    hall: Mapped[Hall] = relationship(back_populates="floors")


class Town(Base):
    """镇街: the town or street office a case or applicant belongs to."""
    __tablename__ = "town"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(50))
    kind: Mapped[str] = mapped_column(String(10))  # 镇 town / 街道 street / 园区 park


class Department(Base):
    """部门: the office an item or business belongs to; may have its own USCC (government organs: 11…)."""
    __tablename__ = "department"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    uscc: Mapped[str | None] = mapped_column(String(18), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))


class Business(Base):
    """叫号业务: what a ticket is for, with its prefix letter."""
    __tablename__ = "business"
    __table_args__ = (UniqueConstraint("hall_id", "prefix"), UniqueConstraint("hall_id", "code"))
    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("hall.id"))
    code: Mapped[str] = mapped_column(String(32))
    prefix: Mapped[str] = mapped_column(String(2))
    name: Mapped[str] = mapped_column(String(100))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    floor_id: Mapped[int | None] = mapped_column(ForeignKey("floor.id"))
    sort_order: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    hall: Mapped[Hall] = relationship(back_populates="businesses")
    quota: Mapped[Quota | None] = relationship(back_populates="business", uselist=False)


class Quota(Base):
    """放号管控: how many tickets a business may issue per day (None = unlimited), AM/PM split, hours."""
    __tablename__ = "quota"
    __table_args__ = (
        CheckConstraint("daily_limit IS NULL OR daily_limit >= 0", name="daily_limit_non_negative"),
        CheckConstraint("opens_at < closes_at", name="opens_before_closes"),
    )
    business_id: Mapped[int] = mapped_column(ForeignKey("business.id"), primary_key=True)
    daily_limit: Mapped[int | None]
    am_limit: Mapped[int | None]
    pm_limit: Mapped[int | None]
    opens_at: Mapped[dt.time] = mapped_column(default=dt.time(9, 0))
    closes_at: Mapped[dt.time] = mapped_column(default=dt.time(17, 30))
    lunch_start: Mapped[dt.time | None]
    lunch_end: Mapped[dt.time | None]
    paused: Mapped[bool] = mapped_column(default=False)
    business: Mapped[Business] = relationship(back_populates="quota")


class Window(Base):
    """窗口: a numbered counter."""
    __tablename__ = "window"
    __table_args__ = (UniqueConstraint("hall_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("hall.id"))
    floor_id: Mapped[int | None] = mapped_column(ForeignKey("floor.id"))
    number: Mapped[int]
    name: Mapped[str] = mapped_column(String(50))
    active: Mapped[bool] = mapped_column(default=True)
    hall: Mapped[Hall] = relationship(back_populates="windows")
    services: Mapped[list[WindowBusiness]] = relationship(order_by="WindowBusiness.priority")


class WindowBusiness(Base):
    """A window serves a business at a priority level (1 = first)."""
    __tablename__ = "window_business"
    window_id: Mapped[int] = mapped_column(ForeignKey("window.id"), primary_key=True)
    business_id: Mapped[int] = mapped_column(ForeignKey("business.id"), primary_key=True)
    priority: Mapped[int] = mapped_column(default=1)
