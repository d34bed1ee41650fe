"""临近时限 alerts: an hourly job that tells the staff of each step about the open cases whose clock turned
yellow (the near-due worklist's entries), once per case, step, clock and due date (outbox.notify's key)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.approval import cache, definitions
from server.approval.models import ApprovalCase
from server.approval.queries import all_cases, views_of
from server.notify.outbox import notify
from server.scheduler import Scheduler
from server.sync import changes
from shared.approval.events import local_day
from shared.approval.lifecycle import TERMINAL_NAMES
from shared.approval.views import near_due
from shared.calendar import CalendarNotPublished

JOB = "approval.near_due_alerts"
EVERY = dt.timedelta(hours=1)


def alert_near_due(session: Session, now: dt.datetime) -> int:
    today, calendar = local_day(now), cache.calendar(session)
    halls = session.scalars(select(ApprovalCase.hall_id).where(ApprovalCase.status.not_in(TERMINAL_NAMES)).distinct())
    sent = 0
    for hall_id in list(halls):
        try:
            pairs = views_of(session, all_cases(session, hall_id, open_only=True), today, calendar)
        except CalendarNotPublished:
            continue  # the clocks need a year not entered yet: the worklists say so too
        cases = {c.id: c for c, _ in pairs}

        def publish(scope: str, table: str, pk: str, row: dict, hall: int = hall_id) -> None:
            changes.publish(session, hall, scope, table, pk, row, now=now)

        for e in near_due([v for _, v in pairs]):
            case = cases[e.case_id]
            role = _role(session, case, e.step)
            if role is None or e.due is None:
                continue
            sent += notify(session, "near_due", hall_id=hall_id, now=now, role=role, publish=publish,
                           key=f"{case.id}:{e.step}:{e.clock}:{e.due.isoformat()}",
                           params={"case_no": case.case_number, "due": f"{e.due.month}月{e.due.day}日"}) is not None
    return sent


def _role(session: Session, case: ApprovalCase, step: str) -> str | None:
    definition = definitions.catalogue_for(session, case.item_code, case.situation_code).get(
        case.item_code, case.situation_code, case.definition_version)
    try:
        return definition.step(step).role
    except KeyError:
        return None


def register(scheduler: Scheduler) -> None:
    scheduler.add(JOB, EVERY, alert_near_due)
