"""Approval administration: workflow definitions (list, read, publish a new version — running cases keep
theirs) and the registers for 信息比对 (CSV import, all rows or none)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from sqlalchemy import select

from server.api.deps import AdminUser, Clock, CurrentUser, DbSession, SessionDevice
from server.api.errors import ApiError
from server.approval import comparison, definitions
from server.approval.identity import pii_keys
from server.approval.models import ApprovalDefinition
from server.store.audit import audit, audit_change
from server.sync.reference import publish_all_halls
from shared.approval.errors import InvalidDefinition, UnknownDefinition
from shared.protocol.approval_api import DefinitionIn, DefinitionOut, ImportOut

router = APIRouter(prefix="/api/v1/approval", tags=["approval admin"])


@router.get("/definitions", response_model=list[DefinitionOut])
def list_definitions(session: DbSession, user: CurrentUser, clock: Clock,
                     item: Annotated[str | None, Query(max_length=32)] = None):
    definitions.seed_defaults(session, clock())  # the whole catalogue has a version 1
    stmt = select(ApprovalDefinition).order_by(ApprovalDefinition.item_code,
                                               ApprovalDefinition.situation_code, ApprovalDefinition.version)
    if item:
        stmt = stmt.where(ApprovalDefinition.item_code == item)
    return session.scalars(stmt).all()


def _one(session, item: str, situation: str, version: int | None) -> ApprovalDefinition:  # noqa: ANN001
    version = version or definitions.latest_version(session, item, situation)
    row = session.scalars(select(ApprovalDefinition).filter_by(item_code=item, situation_code=situation,
                                                               version=version)).one_or_none()
    if row is None:
        raise ApiError(404, "unknown_definition", "流程定义不存在（no such definition）", item_code=item,
                       situation_code=situation, version=version)
    return row


@router.get("/definitions/{item}/{situation}", response_model=DefinitionOut)
def latest_definition(item: str, situation: str, session: DbSession, user: CurrentUser, clock: Clock):
    try:
        definitions.ensure_default(session, item, situation, clock())
    except UnknownDefinition as exc:
        raise ApiError(404, "unknown_definition", "事项或情形不存在（no such item/situation）", **exc.details) from None
    return _one(session, item, situation, None)


@router.get("/definitions/{item}/{situation}/{version}", response_model=DefinitionOut)
def definition_version(item: str, situation: str, version: int, session: DbSession, user: CurrentUser):
    return _one(session, item, situation, version)


@router.post("/definitions/{item}/{situation}", response_model=DefinitionOut, status_code=201)
def publish_definition(item: str, situation: str, body: DefinitionIn, session: DbSession, admin: AdminUser,
                       clock: Clock, device: SessionDevice):
    """Validated with validate_definition; every problem is listed. The new version applies to new cases."""
    try:
        given = {**body.body, "item_code": item, "situation_code": situation}
        d = definitions.publish_version(session, given, admin.username, clock())
    except UnknownDefinition as exc:
        raise ApiError(404, "unknown_definition", "事项或情形不存在（no such item/situation）", **exc.details) from None
    except InvalidDefinition as exc:
        raise ApiError(422, "invalid_definition", "流程定义不合规（invalid definition）",
                       problems=exc.details["problems"]) from None
    audit_change(session, admin.username, "approval.definition_publish", f"{item}/{situation}/v{d.version}",
                 {"version": d.version - 1} if d.version > 1 else None, {"version": d.version, "body": body.body},
                 device)
    publish_all_halls(session, clock())  # every device decides new cases with the new version too
    return _one(session, item, situation, d.version)


def _imported(session, result: comparison.ImportResult, what: str, admin) -> ImportOut:  # noqa: ANN001
    if result.errors:
        # nothing was written: the caller fixes the file and sends it again
        raise ApiError(422, "invalid_rows", "导入文件有误，未导入任何记录（invalid rows; nothing imported）",
                       errors=result.errors[:200], error_count=len(result.errors))
    audit(session, action=f"approval.registry_import.{what}", outcome="success", actor=admin.username,
          target=what, rows=result.imported)
    return ImportOut(imported=result.imported, errors=[])


async def _csv(request: Request) -> str:
    try:
        return (await request.body()).decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(422, "not_utf8", "文件须为 UTF-8 编码（the CSV must be UTF-8）") from None


@router.post("/registry/companies", response_model=ImportOut)
async def import_companies(request: Request, session: DbSession, admin: AdminUser):
    """Body: CSV (text/csv, UTF-8) with the header uscc,name,legal_representative."""
    return _imported(session, comparison.import_companies(session, await _csv(request)), "companies", admin)


@router.post("/registry/persons", response_model=ImportOut)
async def import_persons(request: Request, session: DbSession, admin: AdminUser):
    """Body: CSV (text/csv, UTF-8) with the header id_number,name. IDs are stored sealed, with a blind
    index."""
    text = await _csv(request)
    return _imported(session, comparison.import_persons(session, text, pii_keys()), "persons", admin)
