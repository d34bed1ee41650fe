"""Reads over cases: search (SQL filters on the projection), and views (replayed state + clocks) for the
worklists and statistics — the pure shared.approval views and statistics do the counting."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.approval.definitions import load_all
from server.approval.identity import name_key, pii_keys, search_key
from server.approval.models import ApprovalCase, ApprovalEvent
from shared.approval.available import available_actions
from shared.approval.lifecycle import CLOSED_OR_TERMINAL_NAMES, TERMINAL_NAMES
from shared.approval.serialization import event_from_dict
from shared.approval.state import replay
from shared.approval.views import CaseView, view_case
from shared.calendar import WorkCalendar

@dataclass(frozen=True)
class Filters:
    hall_id: int
    number: str | None = None
    name: str | None = None
    identity: str | None = None       # resident ID or USCC as typed: found through the blind index
    item: str | None = None
    status: str | None = None
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    open_only: bool = False           # not 办结 and not ended
    unfinished: bool = False          # not ended (a closed case still waits for delivery)


def search(session: Session, f: Filters, limit: int = 100, offset: int = 0) -> list[ApprovalCase]:
    stmt = select(ApprovalCase).where(ApprovalCase.hall_id == f.hall_id)
    if f.number:
        stmt = stmt.where(ApprovalCase.case_number == f.number.strip().upper())
    if f.name:
        # Names are sealed: found by the whole name's blind index (whitespace ignored), not by a part.
        stmt = stmt.where(ApprovalCase.applicant_name_key == name_key(f.name, pii_keys()))
    if f.identity:
        key = search_key(f.identity, pii_keys())
        if key is None:
            return []
        stmt = stmt.where(ApprovalCase.applicant_key == key)
    if f.item:
        stmt = stmt.where(ApprovalCase.item_code == f.item)
    if f.status:
        stmt = stmt.where(ApprovalCase.status == f.status)
    if f.received_from:
        stmt = stmt.where(ApprovalCase.received_on >= f.received_from)
    if f.received_to:
        stmt = stmt.where(ApprovalCase.received_on <= f.received_to)
    if f.open_only:
        stmt = stmt.where(ApprovalCase.status.not_in(sorted(CLOSED_OR_TERMINAL_NAMES)))
    if f.unfinished:
        stmt = stmt.where(ApprovalCase.status.not_in(sorted(TERMINAL_NAMES)))
    stmt = stmt.order_by(ApprovalCase.received_on.desc(), ApprovalCase.case_number)
    stmt = stmt.limit(limit).offset(offset)
    return list(session.scalars(stmt))


def views_of(session: Session, cases: list[ApprovalCase], today: dt.date,
             calendar: WorkCalendar) -> list[tuple[ApprovalCase, CaseView]]:
    """Each case replayed from its events (one query for all of them) and viewed as of `today`."""
    by_case: dict[str, list] = defaultdict(list)
    ids = [c.id for c in cases]
    for chunk in range(0, len(ids), 500):
        rows = session.execute(select(ApprovalEvent.case_id, ApprovalEvent.body)
                               .where(ApprovalEvent.case_id.in_(ids[chunk:chunk + 500]))
                               .order_by(ApprovalEvent.case_id, ApprovalEvent.seq))
        for case_id, body in rows:
            by_case[case_id].append(event_from_dict(body))
    definitions = load_all(session)
    out = []
    for case in cases:
        state = replay(by_case[case.id])
        if state is None:
            continue
        definition = definitions[(case.item_code, case.situation_code, case.definition_version)]
        out.append((case, view_case(state, definition, today, calendar)))
    return out


def all_cases(session: Session, hall_id: int, **filters: object) -> list[ApprovalCase]:
    return search(session, Filters(hall_id, **filters), limit=1_000_000)


def todo(session: Session, hall_id: int, roles: set[str], today: dt.date,
         calendar: WorkCalendar) -> list[tuple[ApprovalCase, CaseView, list[str]]]:
    """待办: open cases whose current step is done by one of `roles`, with the actions those roles may take.
    Not "any action available": a head may terminate at every step and would then see every case. The
    client's local 待办 (client/services/worklist.py) applies the same rule to the published step_roles."""
    definitions = load_all(session)
    out = []
    for case, view in views_of(session, all_cases(session, hall_id, unfinished=True), today, calendar):
        definition = definitions[(case.item_code, case.situation_code, case.definition_version)]
        if roles.isdisjoint(definition.step(s).role for s in view.state.current_steps):
            continue
        actions = sorted({a.action.value for r in roles
                          for a in available_actions(view.state, definition, r)})
        out.append((case, view, actions))
    return out
