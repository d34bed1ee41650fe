"""Reading and writing cases: replay a case from its events, append new events (personal data sealed), keep
the projection in step, and build the rows the server publishes."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.approval.models import ApprovalCase, ApprovalEvent
from shared.approval.definition import WorkflowDefinition
from shared.approval.events import Event
from shared.approval.lifecycle import CaseStatus
from shared.approval.serialization import event_from_dict, event_to_dict
from shared.approval.state import CaseState, replay
from shared.approval.views import CaseView, view_case
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


def clocks_summary(view: CaseView) -> dict:
    statutory, promised = view.statutory, view.promised
    return {"statutory_due": statutory.due.isoformat() if statutory and statutory.due else None,
            "remaining_working_days": statutory.remaining if statutory else None,
            "promised_due": promised.due.isoformat() if promised and promised.due else None,
            "stopped": bool(statutory and statutory.stopped)
            or view.state.status is CaseStatus.SPECIAL_PROCEDURE,
            "provisional": view.provisional, "card": view.card.value, "as_of": view.today.isoformat()}


def step_roles(state: CaseState, definition: WorkflowDefinition) -> list[str]:
    return sorted({definition.step(s).role for s in state.current_steps})


def case_row(case: ApprovalCase, state: CaseState, definition: WorkflowDefinition, today: dt.date,
             calendar: WorkCalendar) -> dict:
    """The published `approval_case` row (shared.protocol.approval.CaseRow): masked identity only."""
    return {
        "id": case.id, "hall_id": case.hall_id, "case_number": case.case_number, "item_code": case.item_code,
        "sub_item_code": case.sub_item_code, "situation_code": case.situation_code,
        "definition_version": case.definition_version, "applicant_name": case.applicant_name,
        "applicant_kind": case.applicant_kind, "applicant_id_masked": case.applicant_id_masked,
        "applicant_key": case.applicant_key, "status": state.status.value, "version": state.version,
        "current_steps": list(state.current_steps), "step_roles": step_roles(state, definition),
        "clocks": clocks_summary(view_case(state, definition, today, calendar)), "urgent": state.urgent,
        "received_on": state.received_on.isoformat(),
        "accepted_on": state.accepted_on.isoformat() if state.accepted_on else None,
        "last_changed_by": case.last_by, "last_changed_role": case.last_role,
        "last_changed_at": state.last_at.isoformat() if state.last_at else None,
        "department": state.department, "town": state.town, "channel": state.channel,
        "ticket_id": case.ticket_id, "mismatches": list(case.mismatches or []),
    }


def find_case(session: Session, case_id: str) -> ApprovalCase | None:
    return session.get(ApprovalCase, case_id)
