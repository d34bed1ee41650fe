"""The published `approval_case` row (shape: shared.protocol.approval.CaseRow), worked out from a case's state
with the same clocks on every node: the server publishes it, the client writes it as its optimistic row, so
lists read one shape whether a row is confirmed or still local."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from shared.approval.clocks import Card
from shared.approval.definition import WorkflowDefinition
from shared.approval.overdue import DUE_RULE, running_due
from shared.approval.state import CaseState
from shared.approval.views import CaseView, view_case
from shared.calendar import WorkCalendar

# What the events do not carry (the number, the applicant as the server sealed and masked it, the hall, the
# ticket): taken from the caller, with these values when it has none yet.
CASE_FIELDS: dict[str, object] = {
    "hall_id": None, "case_number": "", "sub_item_code": None, "applicant_name": "", "applicant_kind": "person",
    "applicant_id_masked": "", "applicant_key": "", "ticket_id": None, "mismatches": [],
    # a 延续 ("renew") or 变更 ("change") application and the number of the licence it names (证照库)
    "licence_action": "", "named_licence_no": "",
}


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def clocks_summary(view: CaseView) -> dict:
    """`stopped` is the statutory clock's own: Art. 45 procedures (and `stops` steps, and corrections where the
    definition says so) stop it in shared.approval.clocks, so the status is not asked a second time."""
    statutory, promised, issue = view.statutory, view.promised, view.issue
    late = bool(issue and issue.finished_on and issue.card is Card.RED)  # the decision served after Art. 44's day
    return {"statutory_due": _day(statutory.due) if statutory else None,
            "remaining_working_days": statutory.remaining if statutory else None,
            "promised_due": _day(promised.due) if promised else None,
            "stopped": bool(statutory and statutory.stopped),
            "provisional": view.provisional, "card": view.card.value, "as_of": view.today.isoformat(),
            "issue_due": _day(issue.due) if issue else None, "served_late": late,
            # what 即将超期/超期 judge the case by (shared.approval.overdue)
            "due": _day(running_due(view)), "due_rule": DUE_RULE}


def step_roles(state: CaseState, definition: WorkflowDefinition) -> list[str]:
    return sorted({definition.step(s).role for s in state.current_steps})


def case_row(state: CaseState, definition: WorkflowDefinition, calendar: WorkCalendar, today: dt.date,
             fields: Mapping) -> dict:
    """The row as of `today`; `fields` carries CASE_FIELDS (other keys are ignored: the state decides)."""
    view = view_case(state, definition, today, calendar)
    return {
        **{k: fields.get(k, default) for k, default in CASE_FIELDS.items()},
        "id": state.case_id, "item_code": state.item_code, "situation_code": state.situation_code,
        "definition_version": state.definition_version, "status": state.status.value, "version": state.version,
        "current_steps": list(state.current_steps), "step_roles": step_roles(state, definition),
        "clocks": clocks_summary(view), "urgent": state.urgent, "received_on": _day(state.received_on),
        "accepted_on": _day(state.accepted_on), "department": state.department, "town": state.town,
        "channel": state.channel,
        "last_changed_by": state.last_actor.user_id if state.last_actor else None,
        "last_changed_role": state.last_actor.role if state.last_actor else None,
        "last_changed_at": state.last_at.isoformat() if state.last_at else None,
        "mismatches": list(fields.get("mismatches") or []),
    }
