from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from shared.protocol.base import Request, Response


class MaterialOut(Response):
    id: int
    name: str
    required: bool
    form: str
    copies: int
    sample_note: str = ""
    sample_file: str = ""


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


class MaterialIn(Request):
    name: str = Field(min_length=1, max_length=200)
    required: bool = True
    form: str = Field(default="copy", description="original / copy / original_and_copy / electronic")
    copies: int = Field(default=1, ge=1, le=99)
    sample_note: str = Field(default="", max_length=500, description="样表/示例: how to fill the material in")
    sample_file: str = Field(default="", max_length=200, pattern=r"^[^/\\\x00-\x1f]*$",
                             description="样表/示例: a sample file's name (no folders)")


class SituationIn(Request):
    code: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=100)
    materials: list[MaterialIn] = Field(default_factory=list, max_length=100)


class SubItemIn(Request):
    code: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=200)


class ItemIn(Request):
    """An item as the admin edits it: every field, its sub-items and situations with their materials.
    Situations and sub-items not listed stay as they are (cases refer to them); `removed_sub_items` names the
    sub-items to delete, refused (sub_item_in_use) while a case names one."""
    name: str = Field(min_length=1, max_length=200)
    category: str
    department_id: int | None = None
    statutory_limit_days: int = Field(ge=1, le=400)
    promised_limit_days: int = Field(ge=1, le=400)
    fee: Decimal = Field(default=Decimal("0"), ge=0, le=Decimal("9999999999.99"), decimal_places=2, strict=False)
    online: bool = True
    note: str = Field(default="", max_length=200)
    sub_items: list[SubItemIn] = Field(default_factory=list, max_length=100)
    removed_sub_items: list[str] = Field(default_factory=list, max_length=100)
    situations: list[SituationIn] = Field(default_factory=list, max_length=100)


class ItemSaved(Response):
    item: ItemOut
    definition_versions: dict[str, int]  # situation code → the version new cases now follow


class CatalogueImported(Response):
    items: int
    new_versions: int


class CatalogueSheet(Request):
    """An xlsx workbook carried in JSON (the admin client speaks JSON only)."""
    filename: str = Field(default="事项目录.xlsx", max_length=200)
    xlsx_base64: str = Field(min_length=1, max_length=4_000_000)  # within the server's body limit


class SampleIn(Request):
    """A material's sample file (样表) as the admin uploads it; its type is read from the bytes
    (shared.material_sample), the name only labels it."""
    file_name: str = Field(min_length=1, max_length=200, pattern=r"^[^/\\\x00-\x1f]*$")
    data: str = Field(min_length=4, max_length=3_000_000, description="base64 of at most 2 MiB")


class SampleOut(Response):
    material_id: int
    file_name: str
    mime: str
    size: int
    sha256: str
