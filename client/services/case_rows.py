"""The `approval_case` summary row a case publishes (what lists, filters and search read) and how the client
builds its optimistic copy from the case state. Fields the client relies on:

    id, case_no, item_code, item_name, situation_code, situation_name, department, status, version,
    current_steps, step_names, handler_roles, participants, applicant_name (masked), applicant_id (masked),
    applicant_kind, received_on, accepted_on, due, promised_due, card, urgent, open_supervisions, updated_at
"""

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
    """`previous` carries what the state does not: number, names, applicant, the staff who acted."""
    view = view_case(state, definition, today, calendar)
    participants = list(previous.get("participants", []))
    if state.last_actor and state.last_actor.user_id not in participants:
        participants.append(state.last_actor.user_id)
    return {
        **previous,
        "id": state.case_id, "item_code": state.item_code, "situation_code": state.situation_code,
        "department": state.department, "status": state.status.value, "version": state.version,
        "current_steps": list(state.current_steps),
        "step_names": [definition.step(s).display_name for s in state.current_steps],
        "handler_roles": sorted({definition.step(s).role for s in state.current_steps}),
        "participants": participants, "received_on": _day(state.received_on),
        "accepted_on": _day(state.accepted_on),
        "due": _day(view.statutory.due) if view.statutory else None,
        "promised_due": _day(view.promised.due) if view.promised else None,
        "card": view.card.value, "urgent": state.urgent,
        "open_supervisions": len(state.open_supervisions),
        "updated_at": state.last_at.isoformat() if state.last_at else None,
        "last_actor": state.last_actor.user_id if state.last_actor else None,
    }
