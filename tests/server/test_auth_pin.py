"""Keypad login PINs: set after a password login, sign in with the staff number's digits + PIN, lockout after
five failed PINs, every attempt audited, bad input refused with a specific code."""

from __future__ import annotations

from sqlalchemy import select

from server.store.models import AuditEntry, StaffPin
from tests.fixtures.server import login

PIN_URL, LOGIN_URL = "/api/v1/auth/pin", "/api/v1/auth/pin-login"


def _outcomes(app, action: str) -> list[str]:  # noqa: ANN001
    with app.state.database.session() as s:
        return [a.outcome for a in s.scalars(select(AuditEntry).where(AuditEntry.action == action)
                                              .order_by(AuditEntry.id))]


def _set(client, pin: str = "2468", password: str = "GovHall@2026", user: str = "clerk"):  # noqa: ANN001, ANN202
    return client.put(PIN_URL, json={"password": password, "pin": pin}, headers=login(client, user))


def test_set_pin_then_sign_in_with_staff_number_digits_and_pin(client, app) -> None:
    assert _set(client).status_code == 204
    with app.state.database.session() as s:
        stored = s.scalars(select(StaffPin)).one().pin_hash
    assert stored.startswith("pbkdf2-sm3$") and "2468" not in stored  # hashed like a password
    r = client.post(LOGIN_URL, json={"staff_no": "0101", "pin": "2468", "device_id": "pc-3"})  # DG0101
    assert r.status_code == 200, r.text
    assert r.json()["user"]["username"] == "clerk"
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {r.json()['token']}"})
    assert me.json()["staff_no"] == "DG0101"
    assert _outcomes(app, "pin_login") == ["success"] and _outcomes(app, "set_pin") == ["success"]


def test_setting_a_pin_needs_the_password_again(client, app) -> None:
    r = _set(client, password="wrong")
    assert r.status_code == 403 and r.json()["error"]["code"] == "wrong_password"
    assert client.post(LOGIN_URL, json={"staff_no": "0101", "pin": "2468"}).status_code == 401


def test_wrong_pin_no_pin_and_unknown_number_get_the_same_answer(client, app) -> None:
    _set(client)
    answers = [client.post(LOGIN_URL, json={"staff_no": n, "pin": p}) for n, p in
               (("0101", "1111"), ("0201", "2468"), ("9999", "2468"))]
    assert {(a.status_code, a.json()["error"]["code"]) for a in answers} == {(401, "invalid_pin")}
    assert _outcomes(app, "pin_login") == ["wrong_pin", "no_pin", "unknown_user"]


def test_five_failed_pins_lock_pin_login_for_the_configured_time(client, app, clock) -> None:
    _set(client)
    for attempt in range(1, 5):
        r = client.post(LOGIN_URL, json={"staff_no": "0101", "pin": "0000"})
        assert r.status_code == 401 and "attempts_left" not in r.json()["error"].get("details", {})
    fifth = client.post(LOGIN_URL, json={"staff_no": "0101", "pin": "0000"})
    assert fifth.status_code == 423 and fifth.json()["error"]["code"] == "account_locked"
    assert client.post(LOGIN_URL, json={"staff_no": "0101", "pin": "2468"}).status_code == 423
    clock.advance(minutes=16)
    assert client.post(LOGIN_URL, json={"staff_no": "0101", "pin": "2468"}).status_code == 200
    assert _outcomes(app, "pin_login") == ["wrong_pin"] * 4 + ["locked_now", "locked", "success"]


def test_a_locked_account_cannot_use_its_pin(client, app) -> None:
    _set(client)
    for _ in range(5):
        client.post("/api/v1/auth/login", json={"username": "clerk", "password": "bad"})
    assert client.post(LOGIN_URL, json={"staff_no": "0101", "pin": "2468"}).status_code == 423


def test_bad_pins_and_numbers_are_refused_as_validation_errors(client) -> None:
    headers = login(client, "clerk")
    for pin in ("12", "123456789", "12a4", ""):
        r = client.put(PIN_URL, json={"password": "GovHall@2026", "pin": pin}, headers=headers)
        assert r.status_code == 422, (pin, r.text)
    for body in ({"staff_no": "DG0101", "pin": "2468"}, {"staff_no": "0101", "pin": 2468}, {"staff_no": "0101"}):
        assert client.post(LOGIN_URL, json=body).status_code == 422
    assert client.put(PIN_URL, json={"password": "x", "pin": "2468"}).status_code == 401  # no token


def test_a_pin_is_checked_without_holding_the_write_lock_and_a_changed_one_is_checked_again(client, app,  # noqa: ANN001
                                                                                            monkeypatch) -> None:
    """A shift's keypads signing in at once must not each stop the hall's writes for a PIN hash (SQLite: the
    write lock is free while it is checked); a PIN set anew while one was being checked is what decides."""
    import sqlite3

    import server.api.auth_pin as auth_pin
    from shared.passwords import hash_password
    _set(client)
    db = app.state.database
    sqlite = db.engine.dialect.name == "sqlite"
    real, seen = auth_pin.verify_password, []

    def checking(typed: str, stored: str) -> bool:
        if not seen:
            if sqlite:
                other = sqlite3.connect(db.engine.url.database, timeout=0)
                try:
                    other.execute("BEGIN IMMEDIATE")
                    other.rollback()
                    seen.append("free")
                except sqlite3.OperationalError as exc:
                    seen.append(str(exc))
                finally:
                    other.close()
            else:
                seen.append("free")
            with db.session() as s:  # the PIN changed meanwhile
                s.scalars(select(StaffPin)).one().pin_hash = hash_password("1357", iterations=1_000)
        return real(typed, stored)
    monkeypatch.setattr(auth_pin, "verify_password", checking)
    r = client.post(LOGIN_URL, json={"staff_no": "0101", "pin": "2468"})
    assert seen == ["free"]
    assert (r.status_code, r.json()["error"]["code"]) == (401, "invalid_pin")
    assert client.post(LOGIN_URL, json={"staff_no": "0101", "pin": "1357"}).status_code == 200
