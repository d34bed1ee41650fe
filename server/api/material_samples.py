"""Catalogue materials' sample files (样表, shared.material_sample). Admins upload, read and remove one per
material (audited; every hall's devices learn of it from the published `material_sample` rows); a workstation
or a dispenser of any hall reads it with its device token, with an ETag so a device that holds the file gets
an empty 304. Storage: server.attachments.samples (sealed in the attachment store)."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated

from fastapi import APIRouter, Header, Request
from fastapi.responses import Response as HttpResponse
from sqlalchemy import select

from server.api.change_audit import audit_change
from server.api.deps import AdminUser, Clock, DbSession
from server.api.device_auth import device_of
from server.api.errors import ApiError
from server.api.queue_deps import pii_keys
from server.attachments import samples
from server.attachments.service import store_of
from server.store.models import MaterialSampleFile
from server.sync.reference import publish_all_halls
from server.api.catalogue_admin import Code
from shared.db.models import Material, ServiceItem, Situation
from shared.material_sample import (EMPTY, SAMPLE_MAX_BYTES, TOO_LARGE, SampleRefused, check_sample,
                                    sample_etag)
from shared.protocol.catalogue import SampleIn, SampleOut

router = APIRouter(prefix="/api/v1/admin/catalogue", tags=["catalogue admin"])
device_router = APIRouter(prefix="/api/v1/sync", tags=["sync"])
SAMPLE_KINDS = frozenset({"workstation", "dispenser"})  # the device kinds whose screens list materials
FILE_TYPES = {"content": {"application/pdf": {}, "image/png": {}, "image/jpeg": {}}}


def _material(session, material_id: int) -> Material:  # noqa: ANN001
    material = session.get(Material, material_id)
    if material is None:
        raise ApiError(404, "material_not_found", "材料不存在（no such material）")
    return material


def _out(row: MaterialSampleFile) -> SampleOut:
    return SampleOut(material_id=row.material_id, file_name=row.file_name, mime=row.mime, size=row.size,
                     sha256=row.sha256)


def _described(row: MaterialSampleFile | None) -> dict | None:
    return None if row is None else _out(row).model_dump()


@router.get("/items/{code}/samples", response_model=list[SampleOut])
def item_samples(code: Code, session: DbSession, admin: AdminUser) -> list[SampleOut]:
    """The sample files of an item's materials (the admin's catalogue page shows which have one)."""
    rows = session.scalars(select(MaterialSampleFile).join(Material, Material.id == MaterialSampleFile.material_id)
                           .join(Situation, Situation.id == Material.situation_id)
                           .join(ServiceItem, ServiceItem.id == Situation.item_id)
                           .where(ServiceItem.code == code).order_by(MaterialSampleFile.material_id))
    return [_out(row) for row in rows]


@router.put("/materials/{material_id}/sample", response_model=SampleOut)
def put_sample(material_id: int, body: SampleIn, request: Request, session: DbSession, admin: AdminUser,
               clock: Clock) -> SampleOut:
    material = _material(session, material_id)
    try:
        data = base64.b64decode(body.data, validate=True)
    except (binascii.Error, ValueError):
        raise ApiError(422, "invalid_base64", "文件内容编码有误（data is not base64）") from None
    try:
        check_sample(data)
    except SampleRefused as exc:
        if exc.code == TOO_LARGE:
            raise ApiError(413, TOO_LARGE, f"样表文件不能超过{SAMPLE_MAX_BYTES // 1048576}MB（sample too large）",
                           size=len(data), limit=SAMPLE_MAX_BYTES) from None
        if exc.code == EMPTY:
            raise ApiError(422, EMPTY, "样表文件为空（the file is empty）") from None
        raise ApiError(415, exc.code, "样表须为PDF、JPEG或PNG文件（按文件内容判断，不看扩展名）",
                       **exc.details) from None
    before = _described(session.get(MaterialSampleFile, material.id))
    store = store_of(request.app.state.settings)
    row, replaced = samples.put(session, store, pii_keys(request), material, body.file_name, data,
                                admin.username, clock())
    samples.delete_after_commit(session, store, replaced)
    out = _out(row)
    audit_change(session, request, admin, action="catalogue.sample_upload", target=str(material.id),
                 before=before, after=out.model_dump(), material=material.name)
    publish_all_halls(session, clock())
    return out


@router.delete("/materials/{material_id}/sample", status_code=204)
def delete_sample(material_id: int, request: Request, session: DbSession, admin: AdminUser, clock: Clock) -> None:
    material = _material(session, material_id)
    before = _described(session.get(MaterialSampleFile, material.id))
    if before is None:
        raise ApiError(404, "no_sample", "该材料没有样表文件（no sample file）")
    samples.delete_after_commit(session, store_of(request.app.state.settings), samples.forget(session, material.id))
    material.sample_file = ""
    audit_change(session, request, admin, action="catalogue.sample_delete", target=str(material.id),
                 before=before, after=None, material=material.name)
    publish_all_halls(session, clock())


@router.get("/materials/{material_id}/sample", response_class=HttpResponse, responses={200: FILE_TYPES})
def get_sample(material_id: int, request: Request, session: DbSession, admin: AdminUser) -> HttpResponse:
    row = session.get(MaterialSampleFile, _material(session, material_id).id)
    if row is None:
        raise ApiError(404, "no_sample", "该材料没有样表文件（no sample file）")
    data = samples.content(store_of(request.app.state.settings), pii_keys(request), row)
    return HttpResponse(data, media_type=row.mime, headers={"Cache-Control": "no-store",
                                                            "ETag": sample_etag(row.sha256)})


@device_router.get("/material-samples/{material_id}", response_class=HttpResponse, responses={200: FILE_TYPES})
def device_sample(material_id: int, request: Request, authorization: Annotated[str | None, Header()] = None,
                  if_none_match: Annotated[str | None, Header()] = None) -> HttpResponse:
    with request.app.state.database.read_session() as session:
        device_of(session, request, authorization, SAMPLE_KINDS,
                  ("sample_not_for_device", "该设备不显示样表（workstations and dispensers only）"))
        row = session.get(MaterialSampleFile, material_id)
        if row is None:
            raise ApiError(404, "no_sample", "该材料没有样表文件（no sample file）")
        etag = sample_etag(row.sha256)
        headers = {"Cache-Control": "no-cache", "ETag": etag}
        if if_none_match == etag:
            return HttpResponse(status_code=304, headers=headers)
        data = samples.content(store_of(request.app.state.settings), pii_keys(request), row)
        return HttpResponse(data, media_type=row.mime, headers=headers)
