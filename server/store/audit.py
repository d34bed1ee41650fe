"""Append an audit entry to the hash chain (server/store/audit_chain.py) in the caller's unit of work, so the
entry commits with the action it records: a refused login is audited in a unit of work of its own, and a
revealed identity's entry is committed before the response is sent (the request's unit of work ends then)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy.orm import Session

from server.store.audit_chain import append
from server.store.models import AuditEntry
from shared.db.base import utcnow

CLOCK_INFO = "govhall_clock"  # session.info key: the app's (injected) clock, set on a request's unit of work


def audit(session: Session, *, action: str, outcome: str, actor: str = "", target: str = "",
          device_id: str | None = None, client_address: str = "", at: dt.datetime | None = None,
          **detail) -> None:
    """Timed by `at`, else by the clock of the request's unit of work (the app's injected clock: a server on a
    simulated day audits that day), else, outside a request (the CLI), by the wall clock."""
    clock = session.info.get(CLOCK_INFO)
    append(session, AuditEntry(at=at or (clock() if clock is not None else utcnow()), action=action, outcome=outcome, actor=actor, target=target,
                               device_id=device_id, client_address=client_address, detail=detail))


def _plain(value: Any) -> Any:
    """JSON as the audit row stores it: dates and decimals become text here, so the stored detail and the
    detail the chain's mac covers are the same value (audit_chain.canonical)."""
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def audit_change(session: Session, actor: str, action: str, target: str, before: Any, after: Any,
                 device_id: str | None = None, at: dt.datetime | None = None, **detail) -> None:
    """An admin change: who (`actor`), from which workstation (`device_id`, the device its staff session was
    opened on), what (`action`, `target`) and the values before and after (None = did not exist / removed),
    recorded in the caller's unit of work so it commits with the change."""
    audit(session, action=action, outcome="success", actor=actor, target=str(target)[:100], device_id=device_id,
          at=at, before=_plain(before), after=_plain(after), **_plain(detail))
