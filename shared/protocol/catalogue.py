from __future__ import annotations

from decimal import Decimal

from shared.protocol.base import Response


class MaterialOut(Response):
    id: int
    name: str
    required: bool
    form: str
    copies: int


class SituationOut(Response):
    id: int
    code: str
    name: str
    materials: list[MaterialOut]


class SubItemOut(Response):
    id: int
    code: str
    name: str


class ItemSummary(Response):
    id: int
    code: str
    official_code: bool
    name: str
    category: str
    department_id: int | None
    statutory_limit_days: int
    promised_limit_days: int
    fee: Decimal
    online: bool
    note: str


class ItemOut(ItemSummary):
    sub_items: list[SubItemOut]
    situations: list[SituationOut]
