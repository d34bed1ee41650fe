"""Written notices of a case as PDF (受理通知书, 补正材料通知书, 决定书 …), rendered with shared.notices from the
case's events through shared.approval_notices: the same bytes a counter client renders offline."""

from __future__ import annotations

from fastapi import APIRouter, Response
from server.api.approval_cases import hall_of
from server.api.deps import AppSettings, CurrentUser, DbSession
from server.api.downloads import content_disposition
from server.api.errors import ApiError
from server.approval.models import ApprovalCase
from server.approval.notice_render import render_case_notice
from server.approval.signing_keys import server_signer
from server.store.audit import audit
from shared.approval_notices import NoticeNotAvailable
from shared.notices import NoticeError, NoticeKind

router = APIRouter(prefix="/api/v1/cases", tags=["approval"])


@router.get("/{case_id}/notices/{kind}", response_class=Response,
            responses={200: {"content": {"application/pdf": {}}}})
def get_notice(case_id: str, kind: str, session: DbSession, user: CurrentUser,
               app_settings: AppSettings) -> Response:
    case = session.get(ApprovalCase, case_id)
    if case is None or case.hall_id != hall_of(user):
        raise ApiError(404, "unknown_case", "办件不存在（no such case）", case_id=case_id)
    try:
        notice_kind = NoticeKind(kind)
    except ValueError:
        raise ApiError(404, "unknown_notice_kind", "没有这种文书（unknown notice kind）",
                       allowed=[k.value for k in NoticeKind]) from None
    try:
        pdf = render_case_notice(session, case, notice_kind)
    except NoticeNotAvailable as exc:
        raise ApiError(409, exc.code, "办件尚无可出具的该类文书（nothing to give this notice of）", **exc.details) from None
    except NoticeError as exc:
        raise ApiError(422, getattr(exc, "code", "notice_error"), f"文书数据不完整（{exc}）") from None
    audit(session, action="approval.notice", outcome="success", actor=user.username,
          target=f"{case.id}/{kind}")
    # signed SM2 over SM3 with the server's own key (detached: the PDF is the same bytes a workstation makes)
    signature = server_signer(app_settings.data_dir).sign(pdf)
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": content_disposition(f"{case.case_number}-{kind}.pdf"),
        "X-Notice-SM3": signature.digest, "X-Notice-Signature": signature.signature,
        "X-Notice-Signer-Key": signature.public_key})
