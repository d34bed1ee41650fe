"""The electronic archive of finished cases (server/archive): a hall's archives by period, one archive's
manifest, its verification, exports (one case as a zipped folder or a single PDF, a period as a zip of
folders, a printable list) and disposal after the retention period. Supervisors and admins of the hall;
disposal by an admin. Every export and disposal is audited."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy import select

from server.api.change_audit import audit_change
from server.api.deps import AppSettings, Clock, DbSession, require_role
from server.api.downloads import content_disposition
from server.api.errors import ApiError
from server.archive import export
from server.archive.assemble import DisposalRefused, dispose, read_manifest, verify_archive
from server.archive.domain import storage_of
from server.archive.models import CaseArchive
from server.archive.storage import StoredMissing, StoredUnreadable
from shared.db.models import Hall, StaffUser
from shared.errors import DomainError

router = APIRouter(prefix="/api/v1/halls/{hall_id}/archives", tags=["archive"])
Overseer = Annotated[StaffUser, Depends(require_role("supervisor", "admin"))]
Admin = Annotated[StaffUser, Depends(require_role("admin"))]
MAX_PERIOD_DAYS = 366
ZIP, PDF = "application/zip", "application/pdf"


def _period(start: dt.date, end: dt.date) -> None:
    if end < start or (end - start).days >= MAX_PERIOD_DAYS:
        raise ApiError(422, "bad_period", f"期间有误：结束日不早于开始日，且不超过{MAX_PERIOD_DAYS}天（bad period）",
                       start=start.isoformat(), end=end.isoformat())


def _hall(session, hall_id: int) -> Hall:  # noqa: ANN001
    hall = session.get(Hall, hall_id)
    if hall is None:
        raise ApiError(404, "unknown_hall", "大厅不存在", hall=hall_id)
    return hall


def _archive(session, hall_id: int, case_id: str) -> CaseArchive:  # noqa: ANN001
    row = session.get(CaseArchive, case_id[:36])
    if row is None or row.hall_id != hall_id:
        raise ApiError(404, "unknown_archive", "该办件没有电子档案（no archive of this case here）", case_id=case_id)
    return row


def _in_period(session, hall_id: int, start: dt.date, end: dt.date) -> list[CaseArchive]:  # noqa: ANN001
    return list(session.scalars(select(CaseArchive).where(
        CaseArchive.hall_id == hall_id, CaseArchive.closed_on >= start, CaseArchive.closed_on <= end)
        .order_by(CaseArchive.closed_on, CaseArchive.archive_no)))


def _row(r: CaseArchive) -> dict:
    return {"case_id": r.case_id, "archive_no": r.archive_no, "case_number": r.case_number,
            "item_code": r.item_code, "closed_on": r.closed_on.isoformat(), "built_at": r.built_at.isoformat(),
            "document_count": r.document_count, "manifest_sm3": r.manifest_sm3,
            "retention_until": r.retention_until.isoformat(), "status": r.status}


def _exported(exc: DomainError) -> ApiError:
    if exc.code == "archive_disposed":
        return ApiError(409, exc.code, "档案已销毁（the archive was disposed of）", **exc.details)
    return ApiError(409, "archive_altered", "档案校验未通过，已停止导出，请先核验（the archive fails its manifest）",
                    **exc.details)


@router.get("")
def list_archives(hall_id: int, session: DbSession, user: Overseer, start: dt.date, end: dt.date) -> dict:
    _hall(session, hall_id)
    _period(start, end)
    return {"archives": [_row(r) for r in _in_period(session, hall_id, start, end)]}


@router.get("/period/export", response_class=Response, responses={200: {"content": {ZIP: {}}}})
def export_period(hall_id: int, request: Request, session: DbSession, user: Overseer, settings: AppSettings,
                  start: dt.date, end: dt.date) -> Response:
    hall = _hall(session, hall_id)
    _period(start, end)
    rows = [r for r in _in_period(session, hall_id, start, end) if r.status != "disposed"]
    try:
        body = export.export_zip(storage_of(settings), rows)
    except DomainError as exc:
        raise _exported(exc) from None
    audit_change(session, request, user, action="archive.export", target=f"{hall.code}/{start}/{end}",
                 before=None, after={"format": "zip", "archives": [r.archive_no for r in rows]})
    return Response(body, media_type=ZIP, headers={
        "Content-Disposition": content_disposition(f"{hall.code}-archives-{start}-{end}.zip")})


@router.get("/period/list", response_class=Response, responses={200: {"content": {PDF: {}}}})
def print_period(hall_id: int, request: Request, session: DbSession, user: Overseer, clock: Clock,
                 start: dt.date, end: dt.date) -> Response:
    hall = _hall(session, hall_id)
    _period(start, end)
    rows = _in_period(session, hall_id, start, end)
    body = export.period_list_pdf(rows, hall.name, start, end, clock())
    audit_change(session, request, user, action="archive.export", target=f"{hall.code}/{start}/{end}",
                 before=None, after={"format": "list", "archives": len(rows)})
    return Response(body, media_type=PDF, headers={
        "Content-Disposition": content_disposition(f"{hall.code}-archive-list-{start}-{end}.pdf")})


@router.get("/{case_id}")
def get_archive(hall_id: int, case_id: str, session: DbSession, user: Overseer, settings: AppSettings) -> dict:
    row = _archive(session, hall_id, case_id)
    documents = []
    if row.status != "disposed":
        try:
            documents = read_manifest(storage_of(settings), row)[1]["documents"]
        except (StoredMissing, StoredUnreadable, ValueError):
            documents = []  # the verification route says what is wrong
    return {**_row(row), "documents": documents}


@router.get("/{case_id}/verification")
def verify(hall_id: int, case_id: str, session: DbSession, user: Overseer, settings: AppSettings) -> dict:
    row = _archive(session, hall_id, case_id)
    return verify_archive(storage_of(settings), row).as_dict()


@router.get("/{case_id}/export", response_class=Response,
            responses={200: {"content": {PDF: {}, ZIP: {}}}})
def export_case(hall_id: int, case_id: str, request: Request, session: DbSession, user: Overseer,
                settings: AppSettings, format: Literal["pdf", "folder"] = Query("pdf")) -> Response:  # noqa: A002
    row = _archive(session, hall_id, case_id)
    storage = storage_of(settings)
    try:
        body = export.export_pdf(storage, row) if format == "pdf" else export.export_zip(storage, [row])
    except DomainError as exc:
        raise _exported(exc) from None
    audit_change(session, request, user, action="archive.export", target=row.archive_no, before=None,
                 after={"format": format, "case_id": row.case_id})
    media, ext = (PDF, "pdf") if format == "pdf" else (ZIP, "zip")
    return Response(body, media_type=media,
                    headers={"Content-Disposition": content_disposition(f"{row.archive_no}.{ext}")})


class DisposalBody(BaseModel):
    reason: str = Field(min_length=2, max_length=500)
    approved_by: str = Field(min_length=1, max_length=100)   # who approved the disposal (鉴定/审批人)
    approval_ref: str = Field(min_length=1, max_length=100)  # the approval's document number


@router.post("/{case_id}/disposal")
def dispose_archive(hall_id: int, case_id: str, body: DisposalBody, request: Request, session: DbSession,
                    user: Admin, settings: AppSettings, clock: Clock) -> dict:
    row = _archive(session, hall_id, case_id)
    before = _row(row)
    try:
        record = dispose(session, storage_of(settings), row, by=user.username, reason=body.reason,
                         approved_by=body.approved_by, approval_ref=body.approval_ref, now=clock())
    except DisposalRefused as exc:
        if exc.code == "archive_disposed":
            raise ApiError(409, exc.code, "档案已销毁（already disposed of）") from None
        raise ApiError(409, exc.code, f"保管期限未满（至{row.retention_until.isoformat()}），不能销毁"
                       "（the retention period has not ended）", **exc.details) from None
    after = {**_row(row), "disposal": {"by": record.disposed_by, "reason": record.reason,
                                      "approved_by": record.approved_by, "approval_ref": record.approval_ref}}
    audit_change(session, request, user, action="archive.dispose", target=row.archive_no, before=before,
                 after=after)
    return after
