"""Hall confinement for role-checked routes: a route about one hall names it by a `hall_id` path parameter or
through a business or window it belongs to; staff act only in their own hall, an admin of no hall in all."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from server.api.errors import ApiError
from shared.db.models import Business, Device, Floor, StaffUser, Window

# path parameter -> the model whose row it names (each has a hall_id), and how the raw value becomes its key
OWNERS = {"business_id": (Business, "int"), "window_id": (Window, "int"), "user_id": (StaffUser, "int"),
          "device_id": (Device, "str"), "floor_id": (Floor, "int")}


def hall_of_route(session: Session, params: Mapping[str, Any]) -> int | None:
    """The hall a route's path names, or None (a centre-wide route, or an id the route itself will refuse)."""
    if "hall_id" in params:
        return _int(params["hall_id"])
    for name, (model, kind) in OWNERS.items():
        if name not in params:
            continue
        key = _int(params[name]) if kind == "int" else str(params[name])[:36]
        row = session.get(model, key) if key is not None else None
        return row.hall_id if row is not None else None
    return None


def check_hall(user: StaffUser, session: Session, params: Mapping[str, Any]) -> None:
    hall_id = hall_of_route(session, params)
    if hall_id is None or hall_id == user.hall_id:
        return
    if user.hall_id is None and "admin" in user.role_names:
        return
    raise ApiError(403, "hall_forbidden", "无权操作其他大厅（this account acts in its own hall only）",
                   hall=hall_id)


def _int(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if -2**63 <= number < 2**63 else None
