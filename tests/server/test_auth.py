"""Staff login: tokens, lockout after five failures, every attempt audited."""

from __future__ import annotations

from sqlalchemy import select

from server.store.models import AuditEntry, AuthToken
from tests.fixtures.server import login

URL = "/api/v1/auth/login"


def _audit(app, action: str = "login") -> list[tuple[str, str]]:  # noqa: ANN001
    with app.state.database.session() as s:
        return [(a.actor, a.outcome) for a in s.scalars(select(AuditEntry).where(AuditEntry.action == action)
                                                          .order_by(AuditEntry.id))]


def test_login_returns_a_token_that_authenticates(client, app) -> None:
    headers = login(client, "clerk")
    me = client.get("/api/v1/auth/me", headers=headers)
    assert me.status_code == 200
    assert me.json()["roles"] == ["clerk", "licence_officer"] and me.json()["display_name"] == "王晓敏"
    with app.state.database.session() as s:
        token = headers["Authorization"].split()[1]
        assert all(token not in row.token_hash for row in s.scalars(select(AuthToken)))  # only hashes stored
    assert _audit(app) == [("clerk", "success")]


def test_wrong_password_and_unknown_user_get_the_same_answer(client, app) -> None:
    wrong = client.post(URL, json={"username": "clerk", "password": "nope"})
    unknown = client.post(URL, json={"username": "nobody", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["error"]["code"] == unknown.json()["error"]["code"] == "invalid_credentials"
    assert _audit(app) == [("clerk", "wrong_password"), ("nobody", "unknown_user")]


def test_five_failures_lock_the_account_for_the_configured_time(client, app, clock) -> None:
    for _ in range(1, 5):
        r = client.post(URL, json={"username": "approver", "password": "bad"})
        assert r.status_code == 401 and "details" not in r.json()["error"]  # no attempts_left to probe with
    fifth = client.post(URL, json={"username": "approver", "password": "bad"})
    assert fifth.status_code == 423 and fifth.json()["error"]["code"] == "account_locked"
    # even the right password is refused while locked
    locked = client.post(URL, json={"username": "approver", "password": "GovHall@2026"})
    assert locked.status_code == 423
    clock.advance(minutes=14)
    assert client.post(URL, json={"username": "approver", "password": "GovHall@2026"}).status_code == 423
    clock.advance(minutes=2)
    assert client.post(URL, json={"username": "approver", "password": "GovHall@2026"}).status_code == 200
    outcomes = [o for _, o in _audit(app)]
    assert outcomes == ["wrong_password"] * 5 + ["locked_account", "locked_account", "success"]


def test_success_resets_the_failure_count(client) -> None:
    for _ in range(4):
        client.post(URL, json={"username": "clerk", "password": "bad"})
    login(client, "clerk")
    for _ in range(4):
        assert client.post(URL, json={"username": "clerk", "password": "bad"}).status_code == 401


def test_token_expires_and_logout_revokes(client, clock) -> None:
    headers = login(client)
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    assert client.get("/api/v1/auth/me", headers=headers).json()["error"]["code"] == "token_invalid"
    headers = login(client)
    clock.advance(hours=12, seconds=1)
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401


def test_missing_or_garbage_token(client) -> None:
    assert client.get("/api/v1/auth/me").json()["error"]["code"] == "not_authenticated"
    assert client.get("/api/v1/auth/me", headers={"Authorization": "Bearer xyz"}).status_code == 401
    assert client.get("/api/v1/auth/me", headers={"Authorization": "Basic abc"}).status_code == 401
