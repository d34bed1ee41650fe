"""Append an audit entry. Callers decide the transaction: a refused login must be audited even though the
request fails, so its entry is written in a unit of work of its own."""

from __future__ import annotations

from sqlalchemy.orm import Session

from server.store.models import AuditEntry


def audit(session: Session, *, action: str, outcome: str, actor: str = "", target: str = "",
          device_id: str | None = None, client_address: str = "", **detail) -> None:
    session.add(AuditEntry(action=action, outcome=outcome, actor=actor, target=target, device_id=device_id,
                           client_address=client_address, detail=detail))
