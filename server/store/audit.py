"""Append an audit entry to the hash chain (server/store/audit_chain.py) in the caller's unit of work, so the
entry commits with the action it records: a refused login is audited in a unit of work of its own, and a
revealed identity's entry is committed before the response is sent (the request's unit of work ends then)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from server.store.audit_chain import append
from server.store.models import AuditEntry
from shared.db.base import utcnow


def audit(session: Session, *, action: str, outcome: str, actor: str = "", target: str = "",
          device_id: str | None = None, client_address: str = "", **detail) -> None:
    append(session, AuditEntry(at=utcnow(), action=action, outcome=outcome, actor=actor, target=target,
                               device_id=device_id, client_address=client_address, detail=detail))
