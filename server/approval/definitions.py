"""Workflow definitions in the database: JSON form, default versions generated from the catalogue, and the
DefinitionCatalogue the decider reads. Versions are immutable: a new version is a new row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from server.approval import cache
from server.approval.models import ApprovalDefinition
from shared.approval.definition import WorkflowDefinition, validate_definition
from shared.approval.definition_rows import definition_from_dict, definition_to_dict  # noqa: F401 - re-exported
from shared.approval_catalogue import default_for
from shared.approval.errors import UnknownDefinition
from shared.approval.registry import DefinitionCatalogue
from shared.db.models.catalogue import ServiceItem, Situation

SYSTEM = "system"


def _situation(session: Session, item_code: str, situation_code: str) -> Situation:
    found = session.scalars(select(Situation).join(ServiceItem).where(
        ServiceItem.code == item_code, Situation.code == situation_code)).one_or_none()
    if found is None:
        raise UnknownDefinition(f"no catalogue situation {item_code}/{situation_code}",
                                item_code=item_code, situation_code=situation_code)
    return found


def ensure_default(session: Session, item_code: str, situation_code: str, now: dt.datetime) -> None:
    """Create version 1 from the catalogue when none exists (deterministic: same catalogue, same row)."""
    exists = session.scalar(select(func.count()).select_from(ApprovalDefinition).where(
        ApprovalDefinition.item_code == item_code, ApprovalDefinition.situation_code == situation_code))
    if not exists:
        _insert_default(session, _situation(session, item_code, situation_code), now)


def seed_defaults(session: Session, now: dt.datetime) -> int:
    """Version 1 for every catalogue situation that has none yet; returns how many were created."""
    have = set(session.execute(select(ApprovalDefinition.item_code, ApprovalDefinition.situation_code)).all())
    created = 0
    stmt = select(Situation).join(ServiceItem).order_by(ServiceItem.code, Situation.code)
    for situation in session.scalars(stmt):
        if (situation.item.code, situation.code) not in have:
            created += _insert_default(session, situation, now)
    return created


def _insert_default(session: Session, situation: Situation, now: dt.datetime) -> bool:
    """Insert version 1 unless another unit of work inserted it first (two server processes starting at once
    on one PostgreSQL both seed): the row is made from the catalogue alone, so theirs is the same. True when
    this one inserted it."""
    d = default_for(situation)
    validate_definition(d)
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    done = session.execute(insert(ApprovalDefinition).values(
        item_code=d.item_code, situation_code=d.situation_code, version=d.version, body=definition_to_dict(d),
        created_by=SYSTEM, created_at=now).on_conflict_do_nothing())
    return done.rowcount == 1


def store(session: Session, d: WorkflowDefinition, by: str, now: dt.datetime) -> ApprovalDefinition:
    validate_definition(d)
    row = ApprovalDefinition(item_code=d.item_code, situation_code=d.situation_code, version=d.version,
                             body=definition_to_dict(d), created_by=by, created_at=now)
    session.add(row)
    session.flush()
    return row


def latest_version(session: Session, item_code: str, situation_code: str) -> int:
    return session.scalar(select(func.max(ApprovalDefinition.version)).where(
        ApprovalDefinition.item_code == item_code, ApprovalDefinition.situation_code == situation_code)) or 0


def publish_version(session: Session, body: dict[str, Any], by: str, now: dt.datetime) -> WorkflowDefinition:
    """A new version (latest + 1) of an existing (item, situation); running cases keep theirs."""
    _situation(session, body.get("item_code", ""), body.get("situation_code", ""))
    ensure_default(session, body["item_code"], body["situation_code"], now)
    version = latest_version(session, body["item_code"], body["situation_code"]) + 1
    d = definition_from_dict({**body, "version": version})
    store(session, d, by, now)
    return d


def catalogue_for(session: Session, item_code: str, situation_code: str) -> DefinitionCatalogue:
    """Every stored version of one (item, situation): enough for the decider on one case."""
    return DefinitionCatalogue(cache.definitions(session, ApprovalDefinition.item_code == item_code,
                                                 ApprovalDefinition.situation_code == situation_code))


def load_all(session: Session) -> Mapping[tuple[str, str, int], WorkflowDefinition]:
    return cache.all_definitions(session)
