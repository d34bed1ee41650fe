"""An admin change's audit row: who, from which workstation (the device the staff token was issued to) and
address, and the values before and after. (The lead may fold this into one shared helper.)"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session

from server.api.auth import client_address
from server.api.deps import token_hash
from server.store.audit import audit
from server.store.models import AuthToken
from shared.db.models import StaffUser


def audit_change(session: Session, request: Request, admin: StaffUser, *, action: str, target: str,
                 before: Any, after: Any, **detail: Any) -> None:
    header = request.headers.get("authorization", "")
    token = session.get(AuthToken, token_hash(header.removeprefix("Bearer ").strip())) if header else None
    audit(session, action=action, outcome="success", actor=admin.username, target=target,
          device_id=token.device_id if token is not None else None, client_address=client_address(request),
          before=before, after=after, **detail)
