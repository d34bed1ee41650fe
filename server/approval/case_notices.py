"""Which notifications a command's events raise (server/notify/outbox.py), called once by the approval
handler inside the command's savepoint: a rejected command notifies nobody. The applicant hears of a
correction request, a decision and a licence ready (by SMS, when the case holds a mobile number); the staff of
a step hear of a new 待办, a 催办 or a 督办 (tray alerts through their role's sync scope)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.approval.models import ApprovalCase
from server.notify.outbox import notify
from server.notify.phones import mobile
from server.sync.registry import CommandContext
from shared.approval.definition import WorkflowDefinition
from shared.approval.events import Event
from shared.approval.lifecycle import Action
from shared.approval.personal import PHONE, reveal
from shared.crypto.keys import KeyProvider
from shared.db.models.catalogue import ServiceItem

OUTCOMES = {Action.GRANT: "准予许可", Action.REFUSE: "不予许可", Action.REJECT_APPLICATION: "不予受理"}


def notify_case_events(session: Session, ctx: CommandContext, case: ApprovalCase, events: tuple[Event, ...],
                       definition: WorkflowDefinition, keys: KeyProvider, steps_before: tuple[str, ...]) -> None:
    item = session.scalar(select(ServiceItem.name).where(ServiceItem.code == case.item_code)) or case.item_code
    base = {"hall_id": case.hall_id, "keys": keys,
            "publish": lambda scope, table, pk, row: ctx.publish(table, pk, row, scope=scope)}
    phone = _applicant_mobile(case, keys)
    for e in events:
        now, key = e.at, f"{case.id}:{e.seq}"
        citizen = {"item": item, "case_no": case.case_number}
        if e.action is Action.REQUEST_CORRECTION:
            notify(session, "correction_requested", now=now, key=key, phone=phone,
                   params={**citizen, "count": len(e.payload.get("items", ()))}, **base)
        elif e.action in OUTCOMES:
            notify(session, "decision_made", now=now, key=key, phone=phone,
                   params={**citizen, "outcome": OUTCOMES[e.action]}, **base)
        elif e.action is Action.MAKE_LICENCE:
            notify(session, "licence_ready", now=now, key=key, phone=phone, params=citizen, **base)
        elif e.action is Action.URGE:
            for role in _roles(definition, e.payload.get("steps", ())):
                notify(session, "urged", now=now, key=key, role=role,
                       params={"case_no": case.case_number, "message": e.payload["message"]}, **base)
        elif e.action is Action.SUPERVISE:
            for role in _roles(definition, e.payload.get("steps", ())):
                notify(session, "supervised", now=now, key=key, role=role,
                       params={"case_no": case.case_number, "message": e.payload["message"],
                               "days": e.payload["reply_within_days"]}, **base)
        _new_todos(session, case, e, definition, item, base, steps_before)
        steps_before = e.steps_after


def _new_todos(session: Session, case: ApprovalCase, e: Event, definition: WorkflowDefinition, item: str,
               base: dict, steps_before: tuple[str, ...]) -> None:
    """A step the event made active is a new 待办 for that step's role (a step still active is not new; a step
    returned to is new again)."""
    returned = e.action is Action.RETURN_TO_STEP
    for step_name in e.steps_after:
        if step_name in steps_before and not returned:
            continue
        step = definition.step(step_name)
        notify(session, "new_todo", now=e.at, key=f"{case.id}:{e.seq}:{step_name}", role=step.role,
               params={"item": item, "case_no": case.case_number, "step": step.display_name}, **base)


def _roles(definition: WorkflowDefinition, steps) -> list[str]:  # noqa: ANN001
    return sorted({definition.step(s).role for s in steps})


def _applicant_mobile(case: ApprovalCase, keys: KeyProvider) -> str | None:
    if not case.phone_sealed:
        return None
    return mobile(reveal(PHONE, case.phone_sealed, keys, f"case:{case.id}:phone"))
