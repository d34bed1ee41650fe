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
from shared.approval.events import local_day
from shared.approval.lifecycle import CaseStatus
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


def progress_of(session: Session, keys: KeyProvider, case_number: str, code: str,
                now: dt.datetime) -> Progress | None:
    case = session.scalars(select(ApprovalCase).where(
        ApprovalCase.case_number == normalise_case_number(case_number))).one_or_none()
    if case is None or not code_matches(derive_query_key(keys, case.hall_id), case.case_number, code):
        return None
    today = local_day(now)
    (_, view), = views_of(session, [case], today, cache.calendar(session))
    state = view.state
    definition = load_all(session)[(case.item_code, case.situation_code, case.definition_version)]
    accepted = state.accepted_on is not None
    stages = [Stage("收件", "done"),
              Stage("受理", "done" if accepted else "current" if state.status in WAITING_FOR_ACCEPTANCE else "todo")]
    left = {v.step for v in state.visits if v.left_on is not None}
    for step in definition.steps:
        current = step.name in state.current_steps
        stages.append(Stage(step.display_name, "current" if current else "done" if step.name in left else "todo"))
    stages.append(Stage("办结", "done" if state.closed_on else "todo"))
    stages.append(Stage("送达", "done" if state.delivered_on else "todo"))
    if state.closed_on and not any(s.state == "current" for s in stages):
        stages[-1] = Stage("送达", "done" if state.delivered_on else "current")
    return Progress(case_number=case.case_number, item=_item_name(session, case.item_code), status=state.status.value,
                    received_on=state.received_on, applicant=mask_name(case.applicant_name),
                    applicant_id=case.applicant_id_masked, stages=stages)


def _item_name(session: Session, code: str) -> str:
    return session.scalar(select(ServiceItem.name).where(ServiceItem.code == code)) or code
