"""An admin change audited from a route: who, from which workstation (the device the admin's session was opened
on) and client address, and the values before and after (None before: created) — through the one
server.store.audit.audit_change."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session

from server.api.deps import token_hash
from server.store import audit
from server.store.models import AuthToken
from shared.db.models import StaffUser


def audit_change(session: Session, request: Request, admin: StaffUser, *, action: str, target: str,
                 before: dict[str, Any] | None, after: dict[str, Any] | None) -> None:
    authorization = request.headers.get("authorization", "")
    row = session.get(AuthToken, token_hash(authorization.removeprefix("Bearer ").strip())) if authorization else None
    audit.audit_change(session, admin.username, action, target, before, after,
                       row.device_id if row is not None else None,
                       client_address=request.client.host if request.client is not None else "")
