"""The service catalogue (事项目录): public, read-only for clients."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from server.api.deps import ReadSession
from server.api.errors import ApiError
from shared.db.models import ServiceItem, Situation
from shared.db.models.catalogue import ITEM_CATEGORIES
from shared.protocol.catalogue import ItemOut, ItemSummary

router = APIRouter(prefix="/api/v1/catalogue", tags=["catalogue"])


@router.get("/items", response_model=list[ItemSummary])
def list_items(session: ReadSession,
               category: Annotated[str | None, Query(description=" / ".join(ITEM_CATEGORIES))] = None,
               online: bool | None = None,
               q: Annotated[str | None, Query(max_length=50, description="part of a name or code")] = None):
    if category is not None and category not in ITEM_CATEGORIES:
        raise ApiError(422, "unknown_category", "未知的事项类别（unknown category）", allowed=list(ITEM_CATEGORIES))
    stmt = select(ServiceItem).order_by(ServiceItem.sort_order, ServiceItem.code)
    if category is not None:
        stmt = stmt.where(ServiceItem.category == category)
    if online is not None:
        stmt = stmt.where(ServiceItem.online == online)
    if q:
        stmt = stmt.where(or_(ServiceItem.name.contains(q), ServiceItem.code.contains(q)))
    return session.scalars(stmt).all()


@router.get("/items/{code}", response_model=ItemOut)
def get_item(code: str, session: ReadSession):
    item = session.scalars(
        select(ServiceItem).where(ServiceItem.code == code).options(
            selectinload(ServiceItem.sub_items),
            selectinload(ServiceItem.situations).selectinload(Situation.materials))).one_or_none()
    if item is None:
        raise ApiError(404, "item_not_found", f"事项不存在（no item with code {code}）", item=code)
    return item
