"""The licence register (证照库) of the signed-in user's hall: search with counts, the certificate as PDF, 注销 and
补领. Licences are made by 制证 (the approval command), never here."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from server.api.approval_cases import hall_of
from server.api.deps import Clock, DbSession, require_role
from server.api.downloads import content_disposition
from server.api.errors import ApiError
from server.approval.identity import pii_keys
from server.licences import queries
from server.licences.certificate import certificate_pdf
from server.licences.models import Licence
from server.licences.store import LicenceError, history, reissue, revoke
from server.store.audit import audit
from shared.approval.events import local_day
from shared.db.models import StaffUser
from shared.notices import NoticeError
from shared.protocol.licences import (LIFECYCLE_ROLES, REGISTER_ROLES, STATUSES, LicenceChange, LicenceRegister,
                                      HistoryEntry, LicenceRow, LicenceSearch)

router = APIRouter(prefix="/api/v1/licences", tags=["licences"])
RegisterUser = Annotated[StaffUser, Depends(require_role(*REGISTER_ROLES))]
LifecycleUser = Annotated[StaffUser, Depends(require_role(*LIFECYCLE_ROLES))]


def _licence(session, user: StaffUser, licence_id: str) -> Licence:  # noqa: ANN001
    lic = session.get(Licence, licence_id)
    if lic is None or lic.hall_id != hall_of(user):  # another hall's licence is as unknown as a missing one
        raise ApiError(404, "unknown_licence", "证照不存在（no such licence）", licence_id=licence_id)
    return lic


@router.post("/search", response_model=LicenceRegister)
def search_register(body: LicenceSearch, session: DbSession, user: RegisterUser, clock: Clock) -> dict:
    if body.status is not None and body.status not in STATUSES:
        raise ApiError(422, "unknown_licence_status", "未知的证照状态（unknown status）", allowed=list(STATUSES))
    if body.issued_from and body.issued_to and body.issued_from > body.issued_to:
        raise ApiError(422, "bad_date_range", "开始日期晚于结束日期（from after to）")
    return queries.search(session, hall_of(user), body, local_day(clock()), pii_keys())


@router.get("/{licence_id}/certificate", response_class=Response,
            responses={200: {"content": {"application/pdf": {}}}})
def get_certificate(licence_id: str, session: DbSession, user: RegisterUser) -> Response:
    lic = _licence(session, user, licence_id)
    try:
        pdf = certificate_pdf(session, lic)
    except NoticeError as exc:
        raise ApiError(422, getattr(exc, "code", "notice_error"), f"证书数据不完整（{exc}）") from None
    audit(session, action="licence.certificate", outcome="success", actor=user.username, target=lic.id)
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": content_disposition(f"{lic.number}.pdf")})


def _refused(exc: LicenceError) -> ApiError:
    messages = {"licence_reason_required": "请填写原因", "licence_reason_too_long": "原因过长（最多500字）",
                "licence_not_in_force": "该证照已注销或已换发，不能注销",
                "licence_not_valid": "只有有效的证照可以补领（已注销、已过期或已换发的不能补领）"}
    return ApiError(exc.status, exc.code, f"{messages.get(exc.code, '操作被拒绝')}（{exc.message}）", **exc.details)


@router.post("/{licence_id}/revoke", response_model=LicenceRow)
def revoke_licence(licence_id: str, body: LicenceChange, session: DbSession, user: LifecycleUser,
                   clock: Clock) -> dict:
    lic = _licence(session, user, licence_id)
    today = local_day(clock())
    try:
        revoke(lic, body.reason, today)
    except LicenceError as exc:
        raise _refused(exc) from None
    audit(session, action="licence.revoke", outcome="success", actor=user.username, target=lic.id)
    return queries.row_of(lic, today, pii_keys())


@router.post("/{licence_id}/reissue", response_model=LicenceRow, status_code=201)
def reissue_licence(licence_id: str, body: LicenceChange, session: DbSession, user: LifecycleUser,
                    clock: Clock) -> dict:
    lic = _licence(session, user, licence_id)
    now = clock()
    try:
        new = reissue(session, lic, body.reason, local_day(now), user.username, pii_keys(), now)
    except LicenceError as exc:
        raise _refused(exc) from None
    audit(session, action="licence.reissue", outcome="success", actor=user.username, target=lic.id,
          new_licence=new.id)
    return queries.row_of(new, local_day(now), pii_keys())


@router.get("/{licence_id}/history", response_model=list[HistoryEntry])
def licence_history(licence_id: str, session: DbSession, user: RegisterUser) -> list[dict]:
    """Which cases touched this licence: 制证, 补领, 延续, 变更 (oldest first), then applications under way."""
    return history(session, _licence(session, user, licence_id))
