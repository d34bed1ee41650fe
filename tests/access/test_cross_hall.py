"""Issue 18, cross-hall: a role acts in its own hall only (no-shows, statistics, admin changes), and a staff
member signs in only at a workstation of their own hall (REST login and sync alike)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from server.api.deps import token_hash
from server.store.models import AuthToken
from shared.db.models import StaffUser

from tests.access.support import PASSWORD, add_other_hall, device
from tests.fixtures.server import login


CLOCK_START = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.timezone.utc)  # the `clock` fixture's start


@pytest.fixture
def halls(app):  # noqa: ANN001, ANN201
    return add_other_hall(app.state.database)


def test_a_supervisor_acts_in_their_own_hall_only(client, halls) -> None:  # noqa: ANN001
    other = login(client, "supervisor2")
    own = login(client, "supervisor")
    demo, second = halls.demo_hall_id, halls.hall_id
    for path, method in ((f"/api/v1/queue/admin/halls/{demo}/appointments/no-shows", "post"),
                         (f"/api/v1/queue/halls/{demo}/statistics?day=2026-11-02", "get")):
        refused = getattr(client, method)(path, headers=other)
        assert (refused.status_code, refused.json()["error"]["code"]) == (403, "hall_forbidden"), path
        assert getattr(client, method)(path, headers=own).status_code == 200, path
    mine = client.get(f"/api/v1/queue/halls/{second}/statistics?day=2026-11-02", headers=other)
    assert mine.status_code == 200


def test_an_admin_of_one_hall_changes_only_that_hall(client, halls) -> None:  # noqa: ANN001
    admin2 = login(client, "admin2")
    r = client.put(f"/api/v1/queue/admin/windows/{halls.demo_window_id}/services", headers=admin2,
                   json={"services": []})
    assert r.json()["error"]["code"] == "hall_forbidden"


def test_a_clerk_cannot_sign_in_at_another_halls_workstation(client, app, halls) -> None:  # noqa: ANN001
    device_id, token = device(app.state.database, "workstation", halls.hall_id, halls.window_id)
    r = client.post("/api/v1/auth/login", json={"username": "clerk", "password": PASSWORD, "device_id": device_id})
    assert (r.status_code, r.json()["error"]["code"]) == (403, "hall_mismatch")
    ok = client.post("/api/v1/auth/login", json={"username": "clerk2", "password": PASSWORD, "device_id": device_id})
    assert ok.status_code == 200
    # a session bound to that workstation but of a hall-1 clerk (made before this rule) is refused by sync too
    with app.state.database.session() as s:
        clerk = s.scalars(select(StaffUser).filter_by(username="clerk")).one()
        s.add(AuthToken(token_hash=token_hash("old-session"), user_id=clerk.id, device_id=device_id,
                        issued_at=CLOCK_START, expires_at=CLOCK_START + dt.timedelta(hours=12)))
    pulled = client.get("/api/v1/sync/pull", params={"cursors": f"hall:{halls.hall_id}@0"},
                        headers={"Authorization": f"Bearer {token}", "X-Staff-Token": "old-session"})
    assert (pulled.status_code, pulled.json()["error"]["code"]) == (403, "hall_mismatch")
