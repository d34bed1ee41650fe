"""An admin change audited from a route: who, from which workstation (the device the admin's staff token was
issued to) and client address, and the values before and after (None before: created; None after: removed) —
recorded through server.store.audit.audit_change, in the route's unit of work."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session

from server.api.auth import client_address
from server.api.deps import token_hash
from server.store import audit
from server.store.models import AuthToken
from shared.db.models import StaffUser


def audit_change(session: Session, request: Request, admin: StaffUser, *, action: str, target: str,
                 before: Any, after: Any, **detail: Any) -> None:
    header = request.headers.get("authorization", "")
    token = session.get(AuthToken, token_hash(header.removeprefix("Bearer ").strip())) if header else None
    audit.audit_change(session, admin.username, action, target, before, after,
                       token.device_id if token is not None else None, client_address=client_address(request),
                       **detail)
