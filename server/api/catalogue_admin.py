"""Catalogue administration: an item saved with its situations and materials (a change of limits or required
materials is a new definition version; cases already received keep theirs), and the catalogue as xlsx for
departments to prepare in a spreadsheet (import: all rows or none, bad rows listed by number)."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated

from fastapi import APIRouter, Path, Request
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from server.api.change_audit import audit_change
from server.api.deps import AdminUser, Clock, DbSession
from server.api.errors import ApiError
from server.approval import catalogue_edit, catalogue_xlsx, definitions
from server.attachments import samples
from server.attachments.service import store_of
from server.sync.reference import publish_all_halls
from shared.db.models import ServiceItem, Situation
from shared.protocol.catalogue import CatalogueImported, CatalogueSheet, ItemIn, ItemOut, ItemSaved

router = APIRouter(prefix="/api/v1/admin/catalogue", tags=["catalogue admin"])
Code = Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_.\-]+$")]


def _item(session, code: str) -> ServiceItem:  # noqa: ANN001
    return session.scalars(select(ServiceItem).where(ServiceItem.code == code).options(
        selectinload(ServiceItem.sub_items),
        selectinload(ServiceItem.situations).selectinload(Situation.materials))).one()


@router.put("/items/{code}", response_model=ItemSaved)
def save_item(code: Code, body: ItemIn, request: Request, session: DbSession, admin: AdminUser,
              clock: Clock) -> ItemSaved:
    before = catalogue_edit.snapshot(catalogue_edit.find(session, code))
    dropped: list[str] = []  # removed materials' sample objects, deleted once this has committed
    versions = catalogue_edit.save_item(session, code, body, admin.username, clock(), dropped)
    samples.delete_after_commit(session, store_of(request.app.state.settings), *dropped)
    item = _item(session, code)
    audit_change(session, request, admin, action="catalogue.item_save", target=code, before=before,
                 after=catalogue_edit.snapshot(item), definition_versions=versions)
    session.flush()
    publish_all_halls(session, clock())
    return ItemSaved(item=ItemOut.model_validate(item), definition_versions=versions)


@router.get("/export", response_model=CatalogueSheet)
def export(session: DbSession, admin: AdminUser) -> CatalogueSheet:
    data = catalogue_xlsx.export(session)
    return CatalogueSheet(filename="事项目录.xlsx", xlsx_base64=base64.b64encode(data).decode("ascii"))


@router.post("/import", response_model=CatalogueImported)
def import_sheet(body: CatalogueSheet, request: Request, session: DbSession, admin: AdminUser,
                 clock: Clock) -> CatalogueImported:
    try:
        data = base64.b64decode(body.xlsx_base64, validate=True)
    except (binascii.Error, ValueError):
        raise ApiError(422, "invalid_base64", "文件内容编码有误（xlsx_base64 is not base64）") from None
    items = catalogue_xlsx.parse(data, catalogue_xlsx.samples(session))  # CatalogueRowsInvalid: every bad row, nothing written
    now, new_versions = clock(), 0
    dropped: list[str] = []  # removed materials' sample objects: deleted only if the whole import commits
    for code, item in items.items():
        before = catalogue_edit.snapshot(catalogue_edit.find(session, code))
        had = {s.code: definitions.latest_version(session, code, s.code) for s in item.situations}
        try:
            versions = catalogue_edit.save_item(session, code, item, admin.username, now, dropped)
        except catalogue_edit.CatalogueInvalid as exc:
            raise ApiError(422, "catalogue_rows_invalid", f"事项 {code}：{exc.message}（未导入任何内容）",
                           item=code, **exc.details) from None
        after = catalogue_edit.snapshot(_item(session, code))
        if after != before:
            new_versions += sum(1 for s, v in versions.items() if had[s] and v != had[s])
            audit_change(session, request, admin, action="catalogue.item_save", target=code, before=before,
                         after=after, definition_versions=versions, source=body.filename)
    session.flush()
    samples.delete_after_commit(session, store_of(request.app.state.settings), *dropped)
    publish_all_halls(session, now)
    return CatalogueImported(items=len(items), new_versions=new_versions)
