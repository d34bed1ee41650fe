"""An admin world for the admin API tests: the demo hall's admin, a centre-wide admin (no hall), a second
hall and its admin, and the audit rows an action wrote."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi.testclient import TestClient
from sqlalchemy import select

from server.store.models import AuditEntry
from shared.db.models import Centre
from tests.access.support import add_other_hall, add_staff
from tests.fixtures.server import login


@dataclass(frozen=True)
class AdminWorld:
    client: TestClient
    hall_id: int           # the demo hall
    other_hall_id: int
    centre_id: int
    admin: dict            # the demo hall's admin
    centre_admin: dict     # an admin of no hall
    other_admin: dict      # the second hall's admin
    clerk: dict


def admin_world(client: TestClient) -> AdminWorld:
    db = client.app.state.database
    halls = add_other_hall(db)
    with db.session() as s:
        add_staff(s, "centre-admin", None, "admin")
        centre_id = s.scalars(select(Centre.id)).first()
    return AdminWorld(client, halls.demo_hall_id, halls.hall_id, centre_id, login(client, "admin"),
                      login(client, "centre-admin"), login(client, "admin2"), login(client, "clerk"))


def audits(client: TestClient, action: str) -> list[AuditEntry]:
    with client.app.state.database.session() as s:
        rows = s.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)).all()
        s.expunge_all()
        return list(rows)


def code(response) -> str:  # noqa: ANN001
    return response.json()["error"]["code"]
