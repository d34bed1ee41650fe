"""Reading and writing cases: replay a case from its events, append new events (personal data sealed), keep
the projection in step, and build the rows the server publishes."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from server.approval.models import ApprovalCase, ApprovalEvent
from server.licences.models import Licence
from shared.approval.definition import WorkflowDefinition
from shared.approval.events import Event
from shared.approval import rows
from shared.approval.serialization import event_from_dict, event_to_dict
from shared.approval.state import CaseState, replay
from shared.calendar import WorkCalendar
from shared.crypto.keys import KeyProvider
from shared.crypto.sm4 import open_sealed, seal


def events_of(session: Session, case_id: str) -> list[Event]:
    # the bodies only: loading ORM rows costs more than the replay itself on every command
    rows = session.execute(select(ApprovalEvent.body).where(ApprovalEvent.case_id == case_id)
                           .order_by(ApprovalEvent.seq))
    return [event_from_dict(body) for body, in rows]


def state_of(session: Session, case_id: str) -> CaseState | None:
    return replay(events_of(session, case_id))


def append(session: Session, events: tuple[Event, ...], keys: KeyProvider) -> None:
    """Insert-only. The personal part is sealed as one JSON value bound to the event id."""
    for e in events:
        personal = seal(json.dumps(dict(e.personal), ensure_ascii=False), keys, f"event:{e.event_id}") \
            if e.personal else None
        session.add(ApprovalEvent(event_id=e.event_id, case_id=e.case_id, seq=e.seq, action=e.action.value,
                                  day=e.day, body=event_to_dict(e), personal_sealed=personal))


def personal_of(row: ApprovalEvent, keys: KeyProvider) -> dict[str, str]:
    if not row.personal_sealed:
        return {}
    return json.loads(open_sealed(row.personal_sealed, keys, f"event:{row.event_id}"))


def project(case: ApprovalCase, state: CaseState) -> None:
    """Copy the replayed state's summary fields onto the projection row."""
    case.status, case.version = state.status.value, state.version
    case.current_steps = list(state.current_steps)
    case.accepted_on, case.urgent = state.accepted_on, state.urgent
    case.last_by = state.last_actor.user_id if state.last_actor else None
    case.last_role = state.last_actor.role if state.last_actor else None
    case.last_at = state.last_at


def case_fields(case: ApprovalCase) -> dict:
    """What the published row takes from the projection rather than from the events."""
    return {"hall_id": case.hall_id, "case_number": case.case_number, "sub_item_code": case.sub_item_code,
            "applicant_name": case.applicant_name, "applicant_kind": case.applicant_kind,
            "applicant_id_masked": case.applicant_id_masked, "applicant_key": case.applicant_key,
            "ticket_id": case.ticket_id, "mismatches": list(case.mismatches or []),
            "licence_action": case.licence_action or "", "named_licence_no": _named_licence_no(case)}


def _named_licence_no(case: ApprovalCase) -> str:
    """The number of the licence a 延续/变更 case names (kept by its successor certificate, so the register finds
    both under it)."""
    session = object_session(case)
    if not case.licence_id or session is None:
        return ""
    lic = session.get(Licence, case.licence_id)
    return lic.number if lic else ""


def case_row(case: ApprovalCase, state: CaseState, definition: WorkflowDefinition, today: dt.date,
             calendar: WorkCalendar) -> dict:
    """The published `approval_case` row (shared.approval.rows): masked identity only."""
    return rows.case_row(state, definition, calendar, today, case_fields(case))


def find_case(session: Session, case_id: str) -> ApprovalCase | None:
    return session.get(ApprovalCase, case_id)
