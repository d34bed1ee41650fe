"""Issue 18, credentials: create-admin, the password policy (length, classes, the last five, expiry), a forced
change at first login and after a reset, demo passwords refused outside demo mode, disable, revoke-all."""

from __future__ import annotations

import io

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from server.__main__ import main as server_main
from server.core.settings import Settings
from server.main import create_app
from server.store.models import AuditEntry
from shared.db.models import StaffUser
from tests.access.support import PASSWORD
from tests.fixtures.server import login

LOGIN, ME, CHANGE = "/api/v1/auth/login", "/api/v1/auth/me", "/api/v1/auth/password"
GOOD = "Hall-Staff-2027"


def _token(client: TestClient, username: str, password: str) -> dict[str, str]:
    r = client.post(LOGIN, json={"username": username, "password": password})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def _user_id(app, username: str) -> int:  # noqa: ANN001
    with app.state.database.session() as s:
        return s.scalars(select(StaffUser.id).filter_by(username=username)).one()


def test_create_admin_makes_an_account_that_must_change_its_password(tmp_path, monkeypatch, database,
                                                                    clock) -> None:  # noqa: ANN001
    if not database.url.startswith("sqlite"):
        pytest.skip("the command runs on the SQLite file")
    monkeypatch.setenv("GOVHALL_DATABASE_URL", database.url)
    monkeypatch.setenv("GOVHALL_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("GOVHALL_PASSWORD_ITERATIONS", "1000")
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    # the policy refuses it, nothing made
    assert server_main(["create-admin", "--username", "root", "--password-stdin"]) == 2
    monkeypatch.setattr("sys.stdin", io.StringIO(GOOD + "\n"))
    assert server_main(["create-admin", "--username", "root", "--name", "管理员", "--password-stdin"]) == 0
    settings = Settings(data_dir=tmp_path, password_iterations=1000)
    app = create_app(settings, database=database, clock=clock)
    with TestClient(app) as client:
        r = client.post(LOGIN, json={"username": "root", "password": GOOD})
        assert r.status_code == 200 and r.json()["password_change_required"] is True
        headers = {"Authorization": f"Bearer {r.json()['token']}"}
        assert client.get(ME, headers=headers).json()["roles"] == ["admin"]  # me and the change stay open
        blocked = client.get("/api/v1/admin/audit", headers=headers)
        assert (blocked.status_code, blocked.json()["error"]["code"]) == (403, "password_change_required")
        same = client.post(CHANGE, headers=headers, json={"current_password": GOOD, "new_password": GOOD})
        assert same.json()["error"]["code"] == "password_reused"
        assert client.post(CHANGE, headers=headers, json={"current_password": GOOD,
                                                          "new_password": "Admin-Desk-2027"}).status_code == 204
        assert client.get("/api/v1/admin/audit", headers=headers).status_code == 200


@pytest.mark.parametrize(("new", "code"), [("Ab1-short", "password_too_short"),
                                          ("alllowercaseletters", "password_too_simple"),
                                          ("Clerk-Password-1", "password_contains_username"),
                                          (PASSWORD, "password_is_demo")])
def test_the_policy_names_what_is_wrong(client, new: str, code: str) -> None:  # noqa: ANN001
    headers = login(client, "clerk")
    r = client.post(CHANGE, headers=headers, json={"current_password": PASSWORD, "new_password": new})
    assert r.status_code == 422 and r.json()["error"]["code"] == code
    assert code in r.json()["error"]["details"]["problems"]


def test_the_last_five_passwords_are_not_reused(client) -> None:  # noqa: ANN001
    headers, current = login(client, "clerk"), PASSWORD
    for n in range(1, 6):
        new = f"Counter-Desk-{n:04d}"
        assert client.post(CHANGE, headers=headers, json={"current_password": current,
                                                          "new_password": new}).status_code == 204
        current = new
    # passwords 1..5 are the last five: 2 is refused; the demo password (the sixth back) would be too simple
    r = client.post(CHANGE, headers=headers, json={"current_password": current, "new_password": "Counter-Desk-0002"})
    assert r.json()["error"]["code"] == "password_reused"
    assert client.post(CHANGE, headers=headers, json={"current_password": current,
                                                      "new_password": "Counter-Desk-0006"}).status_code == 204
    assert client.post(CHANGE, headers=headers, json={"current_password": "Counter-Desk-0006",
                                                      "new_password": "Counter-Desk-0001"}).status_code == 204
    wrong = client.post(CHANGE, headers=headers, json={"current_password": "nope", "new_password": "Counter-Desk-9"})
    assert wrong.json()["error"]["code"] == "wrong_current_password"


def test_a_password_expires_after_the_configured_age(client, clock) -> None:  # noqa: ANN001
    headers = login(client, "clerk")
    assert client.post(CHANGE, headers=headers, json={"current_password": PASSWORD,
                                                      "new_password": GOOD}).status_code == 204
    clock.advance(days=89)
    fresh = client.post(LOGIN, json={"username": "clerk", "password": GOOD}).json()
    assert fresh["password_change_required"] is False
    clock.advance(days=1)
    again = client.post(LOGIN, json={"username": "clerk", "password": GOOD}).json()
    assert again["password_change_required"] is True
    r = client.get("/api/v1/worklists/todo", headers={"Authorization": f"Bearer {again['token']}"})
    assert (r.status_code, r.json()["error"]["code"]) == (403, "password_change_required")


def test_demo_passwords_are_refused_outside_demo_mode(database, clock, tmp_path) -> None:  # noqa: ANN001
    settings = Settings(data_dir=tmp_path, password_iterations=1000, demo_mode=False)
    with TestClient(create_app(settings, database=database, clock=clock)) as client:
        r = client.post(LOGIN, json={"username": "admin", "password": PASSWORD})
        assert (r.status_code, r.json()["error"]["code"]) == (403, "demo_password_refused")
        assert "token" not in r.text


def test_an_admin_reset_ends_sessions_and_forces_a_change(client, app) -> None:  # noqa: ANN001
    admin, clerk = login(client, "admin"), login(client, "clerk")
    url = f"/api/v1/admin/staff/{_user_id(app, 'clerk')}/password-reset"
    assert client.post(url, headers=clerk, json={"new_password": GOOD}).status_code == 403
    weak = client.post(url, headers=admin, json={"new_password": "123"})
    assert weak.status_code == 422 and weak.json()["error"]["code"] == "password_too_short"
    assert client.post(url, headers=admin, json={"new_password": GOOD}).status_code == 204
    assert client.get(ME, headers=clerk).json()["error"]["code"] == "token_invalid"
    r = client.post(LOGIN, json={"username": "clerk", "password": GOOD})
    assert r.json()["password_change_required"] is True


def test_disable_and_revoke_all(client, app) -> None:  # noqa: ANN001
    admin = login(client, "admin")
    first, second = login(client, "approver"), login(client, "approver")
    approver = _user_id(app, "approver")
    r = client.post(f"/api/v1/admin/staff/{approver}/sessions/revoke", headers=admin)
    assert r.json() == {"revoked": 2}
    assert all(client.get(ME, headers=h).status_code == 401 for h in (first, second))
    third = login(client, "approver")
    assert client.post(f"/api/v1/admin/staff/{approver}/disable", headers=admin).status_code == 204
    assert client.get(ME, headers=third).status_code == 401
    refused = client.post(LOGIN, json={"username": "approver", "password": PASSWORD})
    assert (refused.status_code, refused.json()["error"]["code"]) == (401, "invalid_credentials")
    assert client.post(f"/api/v1/admin/staff/{approver}/enable", headers=admin).status_code == 204
    login(client, "approver")
    me = client.post(f"/api/v1/admin/staff/{_user_id(app, 'admin')}/disable", headers=admin)
    assert me.json()["error"]["code"] == "cannot_disable_self"
    with app.state.database.session() as s:
        actions = list(s.scalars(select(AuditEntry.action).where(AuditEntry.action.like("staff.%"))
                                 .order_by(AuditEntry.id)))
    assert actions == ["staff.sessions_revoke", "staff.disable", "staff.enable"]


def test_guessing_the_current_password_in_a_change_is_throttled(client, app, clock) -> None:  # noqa: ANN001
    """A session left open (or a stolen token) cannot try current passwords without end: after five wrong
    ones the change is refused for the lockout window, even with the right password; then it works again.
    Each refusal is audited."""
    clerk = login(client, "clerk")
    for attempt in range(1, 6):
        r = client.post(CHANGE, headers=clerk, json={"current_password": f"guess-{attempt}", "new_password": GOOD})
        expected = (403, "wrong_current_password") if attempt < 5 else (423, "password_change_locked")
        assert (r.status_code, r.json()["error"]["code"]) == expected, attempt
    assert "locked_until" in r.json()["error"]["details"]
    right = client.post(CHANGE, headers=clerk, json={"current_password": PASSWORD, "new_password": GOOD})
    assert (right.status_code, right.json()["error"]["code"]) == (423, "password_change_locked")
    assert client.get(ME, headers=clerk).status_code == 200  # the session itself goes on
    with app.state.database.session() as s:
        outcomes = list(s.scalars(select(AuditEntry.outcome).where(AuditEntry.action == "password_change")
                                  .order_by(AuditEntry.id)))
    assert outcomes == ["wrong_current_password"] * 5 + ["locked"]
    clock.advance(minutes=16)
    assert client.post(CHANGE, headers=clerk, json={"current_password": PASSWORD,
                                                    "new_password": GOOD}).status_code == 204
    # the count starts afresh after a success: one wrong guess is just wrong again
    again = login(client, "clerk", GOOD)
    r = client.post(CHANGE, headers=again, json={"current_password": "nope", "new_password": "Hall-Desk-2028x"})
    assert r.json()["error"]["code"] == "wrong_current_password"


def test_a_session_token_unused_too_long_is_refused(client, app, clock) -> None:  # noqa: ANN001
    """Each use keeps the token alive; after token_idle_minutes (30 here, the default) without one it is
    refused with its own code, and stays refused; a new sign-in works."""
    assert app.state.settings.token_idle_minutes == 30
    clerk = login(client, "clerk")
    for _ in range(3):  # used every 25 minutes: alive for 75
        clock.advance(minutes=25)
        assert client.get(ME, headers=clerk).status_code == 200
    clock.advance(minutes=31)
    r = client.get(ME, headers=clerk)
    assert (r.status_code, r.json()["error"]["code"]) == (401, "token_idle_expired")
    clock.advance(minutes=1)
    assert client.get(ME, headers=clerk).json()["error"]["code"] == "token_idle_expired"
    assert client.get(ME, headers=login(client, "clerk")).status_code == 200


def test_the_idle_limit_is_configurable(database, settings, clock) -> None:  # noqa: ANN001
    settings.token_idle_minutes = 5
    with TestClient(create_app(settings, database=database, clock=clock)) as c:
        clerk = login(c, "clerk")
        clock.advance(minutes=6)
        assert c.get(ME, headers=clerk).json()["error"]["code"] == "token_idle_expired"
