"""一事一评: recording the citizen's rating of one finished case, from the counter's workstation (the
`rating.rate_case` sync command) or from the citizen's phone (the 办件进度 page, by case number and query
code). One path for both: a case is rated once, only after 办结; a 差评 needs a reason and opens a
rectification record assigned to the department of the case's item, as a ticket's 差评 does."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.approval.models import ApprovalCase
from server.queue.config import load_hall_config, work_calendar
from server.rating import store
from server.rating.models import CaseRating
from server.sync.registry import Rejected
from shared.db.models import ServiceItem
from shared.protocol import rating as wire
from shared.rating.case_rating import BAD, CaseRatingRefused, check_case_rating
from shared.rating.messages import message
PHONE = "citizen"  # `by` of a rating the citizen sent from the phone page (no staff member recorded it)


def reject(code: str, http: int = 409, **details) -> Rejected:  # noqa: ANN003
    return Rejected(code, message(code), status=http, **details)


def rating_of(session: Session, case_id: str) -> CaseRating | None:
    return session.scalars(select(CaseRating).where(CaseRating.case_id == case_id)).one_or_none()


def rate_case(session: Session, emit: store.Emit, case: ApprovalCase, *, rating_id: str, level: str, reason: str,
              at: dt.datetime, by: str) -> dict:
    """Record the rating (the caller has checked the rating id is new and the case is in its hall); raises
    Rejected for a case not yet closed, a case already rated, a 差评 without a reason."""
    try:
        reason = check_case_rating(case.status, rating_of(session, case.id) is not None, level, reason)
    except CaseRatingRefused as exc:
        http = 422 if exc.code in ("bad_rating_needs_reason", "text_too_long", "bad_rating_level") else 409
        raise reject(exc.code, http, case=case.case_number, **exc.details) from None
    saved = CaseRating(id=rating_id, hall_id=case.hall_id, case_id=case.id, level=level, reason=reason, at=at,
                       by=by)
    session.add(saved)
    emit(wire.CASE_RATING_TABLE, saved.id, wire.case_rating_row(
        rating_id=saved.id, hall_id=saved.hall_id, case_id=case.id, level=level, reason=reason, at=at, by=by))
    result: dict = {"rating_id": saved.id, "record_id": None}
    if level in BAD:
        department = session.scalar(select(ServiceItem.department_id).where(ServiceItem.code == case.item_code))
        rules = load_hall_config(session, case.hall_id).rules.rating
        record = store.open_for(session, emit, case.hall_id, rating_id=saved.id, source="case",
                                subject_id=case.id, subject=case.case_number, department_id=department,
                                window_id=None, clerk="" if by == PHONE else by, level=level, reason=reason,
                                rated_at=at, workdays=rules.rectification_workdays, calendar=work_calendar(session))
        result["record_id"] = record["id"]
    return result
