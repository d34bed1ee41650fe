"""Catalogue: 事项 → 子项, 情形 (business situations) and the materials each situation needs."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.db.base import Base

ADMINISTRATIVE_LICENCE = "administrative_licence"  # 行政许可
PUBLIC_SERVICE = "public_service"  # 公共服务 / 社会服务
ITEM_CATEGORIES = (ADMINISTRATIVE_LICENCE, PUBLIC_SERVICE)

MATERIAL_FORMS = ("original", "copy", "original_and_copy", "electronic")


class ServiceItem(Base):
    """事项. `code` is the official item code where one exists (`official_code`), else a local one."""
    __tablename__ = "service_item"
    __table_args__ = (
        CheckConstraint("promised_limit_days <= statutory_limit_days", name="promised_within_statutory"),
        CheckConstraint("promised_limit_days > 0", name="promised_positive"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    official_code: Mapped[bool] = mapped_column(default=False)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(32))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    statutory_limit_days: Mapped[int]
    promised_limit_days: Mapped[int]
    fee: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal("0"))
    online: Mapped[bool] = mapped_column(default=True)  # in scope for online handling (网上办事)
    note: Mapped[str] = mapped_column(String(200), default="")
    sort_order: Mapped[int] = mapped_column(default=0)
    sub_items: Mapped[list[SubItem]] = relationship(back_populates="item", order_by="SubItem.sort_order")
    situations: Mapped[list[Situation]] = relationship(back_populates="item", order_by="Situation.sort_order")


class SubItem(Base):
    """子项, e.g. 特种设备使用登记（电梯）."""
    __tablename__ = "sub_item"
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("service_item.id"))
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    sort_order: Mapped[int] = mapped_column(default=0)
    item: Mapped[ServiceItem] = relationship(back_populates="sub_items")


class Situation(Base):
    """情形 (业务情形), e.g. 发证 / 延续 / 变更 / 补领."""
    __tablename__ = "situation"
    __table_args__ = (UniqueConstraint("item_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("service_item.id"))
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    sort_order: Mapped[int] = mapped_column(default=0)
    item: Mapped[ServiceItem] = relationship(back_populates="situations")
    materials: Mapped[list[Material]] = relationship(back_populates="situation", order_by="Material.sort_order")


class Material(Base):
    """A material a situation asks for: required or not, original/copy, how many; its sample (样表/示例): a note
    on how to fill it in and/or the name of a sample file (the file itself is not stored here)."""
    __tablename__ = "material"
    __table_args__ = (UniqueConstraint("situation_id", "name"), CheckConstraint("copies >= 1", name="copies_positive"))
    id: Mapped[int] = mapped_column(primary_key=True)
    situation_id: Mapped[int] = mapped_column(ForeignKey("situation.id"))
    name: Mapped[str] = mapped_column(String(200))
    required: Mapped[bool] = mapped_column(default=True)
    form: Mapped[str] = mapped_column(String(20), default="copy")
    copies: Mapped[int] = mapped_column(default=1)
    sort_order: Mapped[int] = mapped_column(default=0)
    sample_note: Mapped[str] = mapped_column(String(500), default="")
    sample_file: Mapped[str] = mapped_column(String(200), default="")
    situation: Mapped[Situation] = relationship(back_populates="materials")
