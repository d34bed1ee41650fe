"""A case's progress as its applicant may see it on a phone (办件进度查询): the stages in order (收件, 受理, the
definition's review steps, 办结, 送达), each done, current or to come, the status, and the applicant masked.
Opened only by the case number with its receipt's query code (shared.approval.query_code); a wrong code and an
unknown number get the same None."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.approval import cache
from server.approval.definitions import load_all
from server.approval.models import ApprovalCase
from server.approval.queries import views_of
from server.rating.case_ratings import rating_of
from shared.approval.definition import WorkflowDefinition
from shared.approval.events import local_day
from shared.approval.lifecycle import CaseStatus
from shared.approval.state import CaseState
from shared.rating.case_rating import rateable
from shared.approval.query_code import code_matches, derive_query_key, normalise_case_number
from shared.crypto.keys import KeyProvider
from shared.db.models import ServiceItem
from shared.validation import mask_name

WAITING_FOR_ACCEPTANCE = {CaseStatus.RECEIVED, CaseStatus.PRE_ACCEPTED, CaseStatus.CORRECTION_REQUESTED}


@dataclass(frozen=True)
class Stage:
    name: str
    state: str          # done, current, todo


@dataclass(frozen=True)
class Progress:
    case_number: str
    item: str
    status: str
    received_on: dt.date
    applicant: str       # masked
    applicant_id: str    # masked
    stages: list[Stage]
    rateable: bool = False      # 办结 and not rated yet: the page offers 一事一评
    rating: str | None = None   # the level it was rated, once rated


def case_for(session: Session, keys: KeyProvider, case_number: str, code: str) -> ApprovalCase | None:
    """The case the number and its receipt's query code open; None for a wrong code or an unknown number."""
    case = session.scalars(select(ApprovalCase).where(
        ApprovalCase.case_number == normalise_case_number(case_number))).one_or_none()
    if case is None or not code_matches(derive_query_key(keys, case.hall_id), case.case_number, code):
        return None
    return case


def progress_of(session: Session, keys: KeyProvider, case_number: str, code: str,
                now: dt.datetime) -> Progress | None:
    case = case_for(session, keys, case_number, code)
    if case is None:
        return None
    today = local_day(now)
    (_, view), = views_of(session, [case], today, cache.calendar(session))
    state = view.state
    rated = rating_of(session, case.id)
    definition = load_all(session)[(case.item_code, case.situation_code, case.definition_version)]
    return Progress(case_number=case.case_number, item=_item_name(session, case.item_code),
                    status=state.status.value, received_on=state.received_on,
                    applicant=mask_name(case.applicant_name), applicant_id=case.applicant_id_masked,
                    stages=stages_of(state, definition), rateable=rateable(case.status, rated is not None),
                    rating=rated.level if rated is not None else None)


def stages_of(state: CaseState, definition: WorkflowDefinition) -> list[Stage]:
    """收件, then the definition's steps; 受理, 办结 and 送达 added from the case's dates where the definition
    has no step of that name (a definition may model them as steps or leave them to the lifecycle)."""
    left = {v.step for v in state.visits if v.left_on is not None}
    steps = [Stage(step.display_name, "current" if step.name in state.current_steps
                   else "done" if step.name in left else "todo") for step in definition.steps]
    names = {s.name for s in steps}
    stages = [Stage("收件", "done")]
    if "受理" not in names:
        waiting = state.status in WAITING_FOR_ACCEPTANCE
        stages.append(Stage("受理", "done" if state.accepted_on else "current" if waiting else "todo"))
    stages += steps
    if "办结" not in names:
        stages.append(Stage("办结", "done" if state.closed_on else "todo"))
    if "送达" not in names:
        stages.append(Stage("送达", "done" if state.delivered_on else "todo"))
    return stages


def _item_name(session: Session, code: str) -> str:
    return session.scalar(select(ServiceItem.name).where(ServiceItem.code == code)) or code
