"""Publish reference data to each hall's scope. Idempotent: the current rows are compared with the latest
published version of each key, and only differences (and tombstones for rows that are gone) are written,
so it can run at start-up, after loading demo data and after every admin change.

Besides the reference tables (shared.reference: organisation, catalogue, quotas, staff, the calendar's
overrides and published years) a hall's devices get its queue rules (shared.queue.hall_rules) and every
version of every workflow definition (shared.approval.definition_rows): what an offline decision needs to be
the server's decision. Every catalogue situation has its version 1 before publishing, so a device never has
to make one up."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from server.approval.definitions import seed_defaults
from server.approval.models import ApprovalDefinition
from server.queue.config import load_rules
from server.sync.changes import ChangeWriter
from server.sync.models import ChangeLog
from shared.approval.definition_rows import DEFINITION_TABLE, definition_key
from shared.db.models import (Business, CalendarOverride, CalendarYear, Department, Hall, Material, Quota,
                              ServiceItem, Situation, StaffRole, StaffUser, SubItem, Town, Window, WindowBusiness)
from server.store.models import StaffAssignment, WindowSetting
from server.attachments import samples
from shared.material_sample import SAMPLE_TABLE
from shared.org_rows import USUAL_WINDOW_TABLE, WINDOW_LED_TABLE, usual_window_row, window_led_row
from shared.queue.hall_rules import RULES_TABLE, rules_row
from shared.reference import ORDER, TABLES, key_of, row_of

# every table this module publishes to a hall scope
PUBLISHED_TABLES = (*TABLES, RULES_TABLE, DEFINITION_TABLE, WINDOW_LED_TABLE, USUAL_WINDOW_TABLE, SAMPLE_TABLE)


def hall_scope(hall_id: int) -> str:
    return f"hall:{hall_id}"


def current_rows(session: Session, hall_id: int) -> dict[tuple[str, str], dict]:
    hall = session.get(Hall, hall_id)
    if hall is None:
        return {}
    windows = session.scalars(select(Window).where(Window.hall_id == hall_id)).all()
    businesses = session.scalars(select(Business).where(Business.hall_id == hall_id)).all()
    staff = session.scalars(select(StaffUser).where(or_(StaffUser.hall_id == hall_id,
                                                        StaffUser.hall_id.is_(None)))).all()
    objects = [hall.centre, hall, *hall.floors, *session.scalars(select(Department)), *session.scalars(select(Town)),
               *businesses,
               *session.scalars(select(Quota).where(Quota.business_id.in_([b.id for b in businesses]))),
               *windows,
               *session.scalars(select(WindowBusiness).where(WindowBusiness.window_id.in_([w.id for w in windows]))),
               *session.scalars(select(ServiceItem)), *session.scalars(select(SubItem)),
               *session.scalars(select(Situation)), *session.scalars(select(Material)),
               *staff, *session.scalars(select(StaffRole).where(StaffRole.user_id.in_([u.id for u in staff]))),
               *session.scalars(select(CalendarOverride)), *session.scalars(select(CalendarYear))]
    out = {}
    for obj in objects:
        row = row_of(obj)
        out[(obj.__tablename__, key_of(obj.__table__, row))] = row
    # The hall's effective queue rules (defaults until an admin sets them), read by devices from their sync
    # rows: calling order, check-in window, recall limit … must be the same offline as on the server.
    out[(RULES_TABLE, str(hall_id))] = rules_row(hall_id, load_rules(session, hall_id))
    # The admin's organisation settings the devices act on: the LED card of each window (the controller
    # addresses it) and each staff member's usual window (the workstation proposes it at login).
    numbers = {w.id: w.number for w in windows}
    for setting in session.scalars(select(WindowSetting).where(WindowSetting.window_id.in_(list(numbers)))):
        if setting.led_address:
            out[(WINDOW_LED_TABLE, str(setting.window_id))] = window_led_row(
                setting.window_id, numbers[setting.window_id], setting.led_address)
    usernames = {u.id: u.username for u in staff}
    for usual in session.scalars(select(StaffAssignment).where(StaffAssignment.user_id.in_(list(usernames)),
                                                                StaffAssignment.window_id.is_not(None))):
        if usual.window_id in numbers:  # a window of this hall
            out[(USUAL_WINDOW_TABLE, str(usual.user_id))] = usual_window_row(
                usual.user_id, usernames[usual.user_id], usual.window_id, numbers[usual.window_id])
    # Each material's sample file (样表): name, type, size and SHA-256; devices fetch the file by material id.
    for key, row in samples.published_rows(session).items():
        out[(SAMPLE_TABLE, key)] = row
    # Versions are immutable and a running case keeps its own, so every version goes out, not the latest.
    for item, situation, version, body in session.execute(select(
            ApprovalDefinition.item_code, ApprovalDefinition.situation_code, ApprovalDefinition.version,
            ApprovalDefinition.body)):
        out[(DEFINITION_TABLE, definition_key(item, situation, version))] = {
            "item_code": item, "situation_code": situation, "version": version, "body": body}
    return out


def published_rows(session: Session, scope: str) -> dict[tuple[str, str], dict | None]:
    """The latest published version of every reference key in the scope (None: its last entry is a tombstone)."""
    latest = (select(ChangeLog.tbl, ChangeLog.pk, func.max(ChangeLog.seq).label("seq"))
              .where(ChangeLog.scope == scope, ChangeLog.tbl.in_(PUBLISHED_TABLES))
              .group_by(ChangeLog.tbl, ChangeLog.pk).subquery())
    rows = session.execute(select(ChangeLog.tbl, ChangeLog.pk, ChangeLog.op, ChangeLog.row).join(
        latest, and_(ChangeLog.tbl == latest.c.tbl, ChangeLog.pk == latest.c.pk, ChangeLog.seq == latest.c.seq))
        .where(ChangeLog.scope == scope))
    return {(t, pk): (row if op == "upsert" else None) for t, pk, op, row in rows}


def publish_reference(session: Session, hall_id: int, now: dt.datetime) -> int:
    """Bring the hall's scope up to date with the reference tables; returns how many changes were written."""
    scope = hall_scope(hall_id)
    current = current_rows(session, hall_id)
    published = published_rows(session, scope)
    order = {**ORDER, RULES_TABLE: len(ORDER), DEFINITION_TABLE: len(ORDER) + 1, WINDOW_LED_TABLE: len(ORDER) + 2,
             USUAL_WINDOW_TABLE: len(ORDER) + 3, SAMPLE_TABLE: len(ORDER) + 4}
    upserts = sorted((k for k, row in current.items() if published.get(k) != row), key=lambda k: order[k[0]])
    gone = sorted((k for k, row in published.items() if row is not None and k not in current),
                  key=lambda k: -order[k[0]])
    if not upserts and not gone:
        return 0
    writer = ChangeWriter(session, hall_id, now)
    writer.keep([writer.change(scope, t, pk, None) for t, pk in gone])
    writer.keep([writer.change(scope, t, pk, current[(t, pk)]) for t, pk in upserts])
    writer.finish()
    return len(upserts) + len(gone)


def publish_all_halls(session: Session, now: dt.datetime) -> int:
    seed_defaults(session, now)  # a situation added to the catalogue gets its version 1 before devices need it
    return sum(publish_reference(session, hall_id, now) for hall_id in session.scalars(select(Hall.id)))
