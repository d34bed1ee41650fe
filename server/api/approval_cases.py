"""Case reads (办件查询): search by number, applicant name, ID/USCC (blind index), item, status and date
range; one case with its history, files and the user's actions. Identity is masked by role
(shared.protocol.approval_api.FULL_IDENTITY_ROLES); every reveal is audited."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Request
from sqlalchemy import select

from server.api.deps import Clock, CurrentUser, DbSession, ReadingUser, ReadSession
from server.api.errors import ApiError
from server.approval import cache
from server.approval.definitions import load_all
from server.approval.identity import KIND_OF, pii_keys, reveal_identity
from server.approval.models import ApprovalCase, ApprovalMaterial
from server.approval.queries import Filters, search, views_of
from server.approval.store import case_row, events_of
from server.store.audit import audit
from shared.approval.available import available_actions
from shared.approval.events import local_day
from shared.approval.lifecycle import CaseStatus
from shared.approval.personal import PHONE
from shared.approval.serialization import event_to_dict
from shared.db.models import StaffUser
from shared.protocol.approval import CaseRow
from shared.protocol.approval_api import FULL_IDENTITY_ROLES, CaseDetail, CaseSearch, MaterialOut

router = APIRouter(prefix="/api/v1/cases", tags=["approval"])
STATUSES = [s.value for s in CaseStatus]


def hall_of(user: StaffUser) -> int:
    if user.hall_id is None:
        raise ApiError(403, "no_hall", "账号未分配大厅（the account belongs to no hall）")
    return user.hall_id


def rows_for(session, cases: list[ApprovalCase], today: dt.date, calendar) -> list[dict]:  # noqa: ANN001
    definitions = load_all(session)
    return [case_row(c, v.state, definitions[(c.item_code, c.situation_code, c.definition_version)], today,
                     calendar) for c, v in views_of(session, cases, today, calendar)]


PERSONAL_QUERY = ("id_number", "name")


@router.get("", response_model=list[CaseRow])
def search_cases(session: ReadSession, user: ReadingUser, clock: Clock, request: Request,
                 number: Annotated[str | None, Query(max_length=40)] = None,
                 item: Annotated[str | None, Query(max_length=32)] = None,
                 status: Annotated[str | None, Query(description=" / ".join(STATUSES))] = None,
                 received_from: dt.date | None = None, received_to: dt.date | None = None,
                 limit: Annotated[int, Query(ge=1, le=500)] = 100, offset: Annotated[int, Query(ge=0)] = 0):
    """Search by what is not personal; an ID number or a name goes in the body of POST /cases/search."""
    sent = [p for p in PERSONAL_QUERY if p in request.query_params]
    if sent:
        raise ApiError(400, "personal_data_in_url", "证件号码和姓名请用 POST /api/v1/cases/search 在请求体中查询"
                       "（personal data is not accepted in URLs）", parameters=sent)
    return _search(session, user, clock, CaseSearch(number=number, item=item, status=status,
                                                    received_from=received_from, received_to=received_to,
                                                    limit=limit, offset=offset))


@router.post("/search", response_model=list[CaseRow])
def search_cases_by_body(body: CaseSearch, session: ReadSession, user: ReadingUser, clock: Clock):
    return _search(session, user, clock, body)


def _search(session, user: StaffUser, clock, q: CaseSearch) -> list[dict]:  # noqa: ANN001
    if q.status is not None and q.status not in STATUSES:
        raise ApiError(422, "unknown_status", "未知的办件状态（unknown status）", allowed=STATUSES)
    if q.received_from and q.received_to and q.received_from > q.received_to:
        raise ApiError(422, "bad_date_range", "开始日期晚于结束日期（from after to）")
    filters = Filters(hall_of(user), q.number, q.name, q.id_number, q.item, q.status, q.received_from,
                      q.received_to)
    cases = search(session, filters, q.limit, q.offset)
    return rows_for(session, cases, local_day(clock()), cache.calendar(session))


@router.get("/{case_id}", response_model=CaseDetail)
def get_case(case_id: str, session: DbSession, user: CurrentUser, clock: Clock):
    case = session.get(ApprovalCase, case_id)
    if case is None or case.hall_id != hall_of(user):
        raise ApiError(404, "unknown_case", "办件不存在（no such case）", case_id=case_id)
    today, calendar = local_day(clock()), cache.calendar(session)
    definition = load_all(session)[(case.item_code, case.situation_code, case.definition_version)]
    (_, view), = views_of(session, [case], today, calendar)
    reveal = bool(FULL_IDENTITY_ROLES & set(user.role_names))
    applicant_id, phone = case.applicant_id_masked, case.phone_masked
    if reveal:
        keys = pii_keys()
        applicant_id = reveal_identity(KIND_OF[case.applicant_kind], case.applicant_id_sealed, keys,
                                       f"case:{case.id}:applicant_id")
        if case.phone_sealed:
            phone = reveal_identity(PHONE, case.phone_sealed, keys, f"case:{case.id}:phone")
        audit(session, action="approval.reveal_identity", outcome="success", actor=user.username,
              target=case.id)
    actions = sorted({a.action.value for r in user.role_names
                      for a in available_actions(view.state, definition, r)})
    files = session.scalars(select(ApprovalMaterial).where(ApprovalMaterial.case_id == case.id)
                            .order_by(ApprovalMaterial.id))
    art32 = view.art32
    return CaseDetail(case=CaseRow.model_validate(case_row(case, view.state, definition, today, calendar)),
                      applicant_id=applicant_id, applicant_phone=phone, identity_revealed=reveal,
                      events=[event_to_dict(e) for e in events_of(session, case.id)],
                      materials=[MaterialOut.model_validate(f) for f in files], actions=actions,
                      art32_deadline=art32.deadline if art32 else None,
                      art32_warning=bool(art32 and art32.warning))
