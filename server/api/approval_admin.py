"""Approval administration: workflow definitions (list, read, publish a new version — running cases keep
theirs) and the registers for 信息比对 (CSV import, all rows or none)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from sqlalchemy import func, select

from server.api.change_audit import audit_change
from server.api.deps import AdminUser, Clock, CurrentUser, DbSession
from server.api.errors import ApiError
from server.approval import comparison, definitions
from server.approval.identity import pii_keys
from server.approval.models import ApprovalCase, ApprovalDefinition
from server.store.audit import audit
from server.sync.reference import publish_all_halls
from shared.approval.errors import InvalidDefinition, UnknownDefinition
from shared.approval.lifecycle import CaseStatus
from shared.protocol.approval_api import DefinitionIn, DefinitionOut, DefinitionUsage, ImportOut

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


@router.post("/definitions/{item}/{situation}", response_model=DefinitionOut, status_code=201)
def publish_definition(item: str, situation: str, body: DefinitionIn, request: Request, session: DbSession,
                       admin: AdminUser, clock: Clock):
    """Validated with validate_definition; every problem is listed. The new version applies to new cases."""
    try:
        given = {**body.body, "item_code": item, "situation_code": situation}
        previous = definitions.latest_version(session, item, situation)
        d = definitions.publish_version(session, given, admin.username, clock())
    except UnknownDefinition as exc:
        raise ApiError(404, "unknown_definition", "事项或情形不存在（no such item/situation）", **exc.details) from None
    except InvalidDefinition as exc:
        raise ApiError(422, "invalid_definition", "流程定义不合规（invalid definition）",
                       problems=exc.details["problems"]) from None
    before = _one(session, item, situation, previous or 1).body if d.version > 1 else None
    audit_change(session, request, admin, action="approval.definition_publish",
                 target=f"{item}/{situation}/v{d.version}", before=before, after=_one(session, item, situation,
                                                                                      d.version).body)
    publish_all_halls(session, clock())  # every device decides new cases with the new version too
    return _one(session, item, situation, d.version)


FINISHED = tuple(s.value for s in (CaseStatus.CLOSED, CaseStatus.DELIVERED, CaseStatus.NOT_ACCEPTED,
                                     CaseStatus.WITHDRAWN, CaseStatus.TERMINATED))


@router.get("/definitions/{item}/{situation}/usage", response_model=list[DefinitionUsage])
def definition_usage(item: str, situation: str, session: DbSession, admin: AdminUser, clock: Clock):
    """Which cases follow which version: every version with its cases (an admin of one hall: that hall's)."""
    try:
        definitions.ensure_default(session, item, situation, clock())
    except UnknownDefinition as exc:
        raise ApiError(404, "unknown_definition", "事项或情形不存在（no such item/situation）", **exc.details) from None
    scope = [ApprovalCase.item_code == item, ApprovalCase.situation_code == situation]
    if admin.hall_id is not None:
        scope.append(ApprovalCase.hall_id == admin.hall_id)
    counts: dict[int, list[int]] = {}
    for version, status, n in session.execute(
            select(ApprovalCase.definition_version, ApprovalCase.status, func.count())
            .where(*scope).group_by(ApprovalCase.definition_version, ApprovalCase.status)):
        total = counts.setdefault(version, [0, 0])
        total[0] += n
        if status not in FINISHED:
            total[1] += n  # still running: it will finish under this version
    rows = session.scalars(select(ApprovalDefinition).filter_by(item_code=item, situation_code=situation)
                           .order_by(ApprovalDefinition.version)).all()
    return [DefinitionUsage(version=r.version, created_by=r.created_by, created_at=r.created_at,
                            cases=counts.get(r.version, [0, 0])[0], open_cases=counts.get(r.version, [0, 0])[1])
            for r in rows]


# after /usage: a version is a number, and routes match in the order they are declared
@router.get("/definitions/{item}/{situation}/{version}", response_model=DefinitionOut)
def definition_version(item: str, situation: str, version: int, session: DbSession, user: CurrentUser):
    return _one(session, item, situation, version)


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
