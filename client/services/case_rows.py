"""The optimistic `approval_case` row: the client writes the same shape the server publishes
(shared.protocol.approval.CaseRow), worked out from the case state with the same clocks, so lists read one
shape whether a row is confirmed or still local."""

from __future__ import annotations

import datetime as dt

from shared.approval.definition import WorkflowDefinition
from shared.approval.state import CaseState
from shared.approval.views import view_case
from shared.calendar import WorkCalendar


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def case_row(state: CaseState, definition: WorkflowDefinition, calendar: WorkCalendar, today: dt.date,
             previous: dict) -> dict:
    """`previous` carries what the state does not: number, applicant, hall, ticket."""
    view = view_case(state, definition, today, calendar)
    statutory = view.statutory
    clocks = {"statutory_due": _day(statutory.due) if statutory else None,
              "remaining_working_days": statutory.remaining if statutory else None,
              "promised_due": _day(view.promised.due) if view.promised else None,
              "stopped": bool(statutory and statutory.stopped), "provisional": view.provisional,
              "card": view.card.value, "as_of": today.isoformat()}
    return {
        "hall_id": None, "sub_item_code": None, "applicant_name": "", "applicant_kind": "person",
        "applicant_id_masked": "", "applicant_key": "", "town": "", "channel": "", "ticket_id": None,
        "mismatches": [], **previous,
        "id": state.case_id, "item_code": state.item_code, "situation_code": state.situation_code,
        "definition_version": state.definition_version, "status": state.status.value, "version": state.version,
        "current_steps": list(state.current_steps),
        "step_roles": sorted({definition.step(s).role for s in state.current_steps}),
        "clocks": clocks, "urgent": state.urgent, "received_on": _day(state.received_on),
        "accepted_on": _day(state.accepted_on), "department": state.department,
        "last_changed_by": state.last_actor.user_id if state.last_actor else None,
        "last_changed_role": state.last_actor.role if state.last_actor else None,
        "last_changed_at": state.last_at.isoformat() if state.last_at else None,
    }
