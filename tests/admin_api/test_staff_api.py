"""Issue 14 part 1, staff: an admin creates a member of their hall (the initial password must be changed at the
first login), edits roles and window, uploads a photo for the evaluator, and reads the role matrix the routes
themselves define."""

from __future__ import annotations

import base64

import pytest

from shared.staff_photo import PHOTO_MAX_BYTES, photo_etag
from tests.access.support import device
from tests.admin_api.support import admin_world, audits, code
from tests.kiosk.test_evaluator_photo import seat_on_server

A = "/api/v1/admin"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def world(client):  # noqa: ANN001, ANN201
    return admin_world(client)


def _new(world, **extra):  # noqa: ANN001, ANN003, ANN202
    window = world.client.get(f"{A}/halls/{world.hall_id}/windows", headers=world.admin).json()[2]
    body = {"username": "wangfang", "display_name": "王芳", "staff_no": "DG7301", "window_id": window["id"],
            "roles": ["clerk", "reviewer"], **extra}
    return world.client.post(f"{A}/halls/{world.hall_id}/staff", headers=world.admin, json=body), window


def test_a_new_clerk_signs_in_and_must_change_the_password(world) -> None:  # noqa: ANN001
    c = world.client
    r, window = _new(world)
    assert r.status_code == 201, r.text
    made = r.json()
    assert made["roles"] == ["clerk", "reviewer"] and made["window_id"] == window["id"]
    assert made["must_change_password"] is True and len(made["initial_password"]) >= 12
    login = c.post("/api/v1/auth/login", json={"username": "wangfang", "password": made["initial_password"]})
    assert login.status_code == 200 and login.json()["password_change_required"] is True
    listed = {s["username"]: s for s in c.get(f"{A}/halls/{world.hall_id}/staff", headers=world.admin).json()}
    assert listed["wangfang"]["staff_no"] == "DG7301" and "initial_password" not in listed["wangfang"]
    [entry] = audits(c, "staff.create")
    assert entry.actor == "admin" and entry.detail["after"]["roles"] == ["clerk", "reviewer"]
    assert "initial_password" not in str(entry.detail)  # never in the trail


def test_an_entered_password_is_held_to_the_policy(world) -> None:  # noqa: ANN001
    r, _ = _new(world, password="short")
    assert (r.status_code, code(r)) == (422, "password_too_short")
    assert world.client.get(f"{A}/halls/{world.hall_id}/staff", headers=world.admin).json()[-1]["username"] \
        != "wangfang"  # nothing half-made
    ok, _ = _new(world, password="Hall-Desk-2027")
    assert ok.status_code == 201 and ok.json()["initial_password"] == "Hall-Desk-2027"


@pytest.mark.parametrize("extra, expected", [
    ({"roles": ["clerk", "wizard"]}, "unknown_role"),
    ({"username": "admin"}, "username_taken"),
    ({"staff_no": "DG0001"}, "staff_no_taken"),
    ({"department_id": 9999}, "unknown_department"),
    ({"roles": []}, "invalid_request"),
])
def test_bad_staff_are_refused(world, extra, expected) -> None:  # noqa: ANN001
    r, _ = _new(world, **extra)
    assert code(r) == expected, r.text


def test_edits_roles_window_and_refusals(world) -> None:  # noqa: ANN001
    c = world.client
    made, _ = _new(world)
    user_id = made.json()["id"]
    other_window = c.get(f"{A}/halls/{world.other_hall_id}/windows", headers=world.other_admin).json()[0]
    assert code(c.patch(f"{A}/staff/{user_id}", headers=world.admin, json={"window_id": other_window["id"]})) \
        == "unknown_window"
    r = c.patch(f"{A}/staff/{user_id}", headers=world.admin, json={"roles": ["approver", "head"], "window_id": None})
    assert r.status_code == 200 and r.json()["roles"] == ["approver", "head"] and r.json()["window_id"] is None
    [entry] = audits(c, "staff.update")
    assert entry.detail["before"]["roles"] == ["clerk", "reviewer"] and entry.detail["after"]["roles"] == \
        ["approver", "head"]
    assert code(c.patch(f"{A}/staff/{user_id}", headers=world.other_admin, json={"display_name": "x"})) == \
        "hall_forbidden"
    assert code(c.patch(f"{A}/staff/{user_id}", headers=world.clerk, json={"display_name": "x"})) == "role_required"
    me = c.get("/api/v1/auth/me", headers=world.admin).json()
    assert code(c.patch(f"{A}/staff/{me['id']}", headers=world.admin, json={"roles": ["clerk"]})) == \
        "cannot_demote_self"
    assert code(c.get(f"{A}/halls/999/staff", headers=world.centre_admin)) == "hall_not_found"
    assert c.post(f"{A}/staff/{user_id}/disable", headers=world.admin).status_code == 204
    listed = {s["username"]: s for s in c.get(f"{A}/halls/{world.hall_id}/staff", headers=world.admin).json()}
    assert listed["wangfang"]["active"] is False


def test_a_photo_is_checked_stored_and_served(world) -> None:  # noqa: ANN001
    c = world.client
    made, window = _new(world)
    user_id = made.json()["id"]
    url = f"{A}/staff/{user_id}/photo"
    assert code(c.get(url, headers=world.admin)) == "no_photo"
    gif = base64.b64encode(b"GIF89a" + b"\x00" * 20).decode()
    assert code(c.put(url, headers=world.admin, json={"content_type": "image/png", "data": gif})) == "invalid_photo"
    assert code(c.put(url, headers=world.admin, json={"content_type": "image/png", "data": "!!!!"})) == \
        "invalid_photo"
    big = base64.b64encode(PNG + b"\x00" * PHOTO_MAX_BYTES).decode()
    assert code(c.put(url, headers=world.admin, json={"content_type": "image/png", "data": big})) == \
        "photo_too_large"
    r = c.put(url, headers=world.admin, json={"content_type": "image/png", "data": base64.b64encode(PNG).decode()})
    assert r.status_code == 204, r.text
    served = c.get(url, headers=world.admin)
    assert served.content == PNG and served.headers["content-type"] == "image/png"
    assert code(c.get(url, headers=world.other_admin)) == "hall_forbidden"
    staff = {s["id"]: s for s in c.get(f"{A}/halls/{world.hall_id}/staff", headers=world.admin).json()}
    assert staff[user_id]["has_photo"] is True
    # the evaluator at the window where this clerk serves reads it with its device token, once the clerk's
    # badge is up there (server.queue.badges); before, and for another hall's device, nothing is learnt
    db = c.app.state.database
    here = {"Authorization": f"Bearer {device(db, 'evaluator', world.hall_id, window['id'])[1]}"}
    there = {"Authorization": f"Bearer {device(db, 'evaluator', world.other_hall_id)[1]}"}
    assert code(c.get(f"/api/v1/sync/staff/{user_id}/photo", headers=here)) == "no_photo"
    seat_on_server(db, world.hall_id, window["id"], "wangfang", c.app.state.clock())
    read = c.get(f"/api/v1/sync/staff/{user_id}/photo", headers=here)
    assert read.content == PNG and read.headers["etag"] == photo_etag(PNG)
    again = c.get(f"/api/v1/sync/staff/{user_id}/photo", headers={**here, "If-None-Match": read.headers["etag"]})
    assert again.status_code == 304 and again.content == b""  # the evaluator keeps the photo it holds
    assert code(c.get(f"/api/v1/sync/staff/{user_id}/photo", headers=there)) == "no_photo"
    assert code(c.get(f"/api/v1/sync/staff/{user_id}/photo")) == "device_token_required"
    for kind in ("dispenser", "display", "controller"):  # no other kind shows a photo, so none reads one
        token = device(db, kind, world.hall_id)[1]
        refused = c.get(f"/api/v1/sync/staff/{user_id}/photo", headers={"Authorization": f"Bearer {token}"})
        assert (refused.status_code, code(refused)) == (403, "photo_not_for_device"), kind


def test_the_role_matrix_is_read_from_the_routes(world) -> None:  # noqa: ANN001
    c = world.client
    assert code(c.get(f"{A}/roles", headers=world.clerk)) == "role_required"
    matrix = c.get(f"{A}/roles", headers=world.admin).json()
    roles = {r["role"]: r for r in matrix["roles"]}
    assert roles["admin"]["kind"] == "system" and roles["reviewer"]["kind"] == "step"
    assert "审查" in roles["reviewer"]["steps"] and "受理" in roles["clerk"]["steps"]
    rows = {(p["method"], p["path"]): p for p in matrix["permissions"]}
    assert rows[("POST", "/api/v1/admin/halls/{hall_id}/windows")]["roles"] == ["admin"]
    assert rows[("POST", "/api/v1/admin/halls/{hall_id}/windows")]["own_hall_only"] is True
    assert rows[("POST", "/api/v1/admin/halls")]["centre_only"] is True
    assert rows[("POST", "/api/v1/admin/halls/{hall_id}/windows")]["centre_only"] is False
    stats = rows[("GET", "/api/v1/queue/halls/{hall_id}/statistics")]
    assert "supervisor" in stats["roles"] and "clerk" not in stats["roles"]
