"""Written notices of a case as PDF (受理通知书, 补正材料通知书, 决定书 …), rendered with shared.notices from the
case's events through shared.approval_notices: the same bytes a counter client renders offline."""

from __future__ import annotations

from fastapi import APIRouter, Response
from server.api.approval_cases import hall_of
from server.api.deps import AppSettings, CurrentUser, DbSession
from server.api.downloads import content_disposition
from server.api.errors import ApiError
from server.api.notice_settings import settings_of
from server.approval import cache
from server.approval.definitions import load_all
from server.approval.identity import KIND_OF, USCC, pii_keys, reveal_identity
from server.approval.models import ApprovalCase
from server.approval.signing_keys import server_signer
from server.approval.store import events_of
from server.store.audit import audit
from shared.approval.state import replay
from shared.approval_notices import (
    DECISION_KINDS, NoticeNotAvailable, case_facts, notice_applicant, notice_data, office_of,
)
from shared.db.models import Hall
from shared.notices import NoticeError, NoticeKind, render_notice
from shared.verification import derive_hall_key

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
    events = events_of(session, case.id)
    state = replay(events)
    definition = load_all(session)[(case.item_code, case.situation_code, case.definition_version)]
    hall = session.get(Hall, case.hall_id)
    # A counter notice goes to the applicant: the template decides whether the number is printed in full.
    # A decision notice prints the masked one, as the approver's workstation does offline (notice_applicant).
    kind_of_id = KIND_OF[case.applicant_kind]
    clear_id = None if notice_kind in DECISION_KINDS else reveal_identity(
        kind_of_id, case.applicant_id_sealed, pii_keys(), f"case:{case.id}:applicant_id")
    applicant = notice_applicant(notice_kind, case.applicant_name, kind_of_id == USCC, case.applicant_id_masked,
                                 clear_id)
    calendar = cache.calendar(session)
    settings = settings_of(session, hall)  # the admin's 文书设置, as the hall's counters have them
    office = settings.office(office_of(hall))
    facts = case_facts(session, case_id=case.id, case_number=case.case_number, applicant=applicant,
                       office=office, state=state, definition=definition, events=events, calendar=calendar,
                       verify_key=derive_hall_key(pii_keys(), hall.id))  # the key the hall's counters sign with
    try:
        template = settings.template_set()[notice_kind.value]
        pdf = render_notice(notice_data(notice_kind, events, facts, calendar), template, seal_png=settings.seal_png)
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
