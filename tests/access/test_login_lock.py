"""Issue 19, a shift's logins at once: the password's deliberate cost is paid outside any transaction, so logins
do not queue on SQLite's write lock behind each other's hashing; what changed while a password was being
checked (a lock set by other attempts, a new password) still decides the answer."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

import server.api.auth as auth_module
from server.credentials.throttle import Throttle
from server.core.settings import Settings
from server.main import create_app
from server.store.models import AuditEntry
from shared.db.models import StaffUser
from shared.passwords import hash_password
from tests.access.support import PASSWORD

LOGIN = "/api/v1/auth/login"
ADDRESS = "10.4.4.4"


@pytest.fixture
def world(sqlite_database, tmp_path, clock):  # noqa: ANN001, ANN201
    settings = Settings(data_dir=tmp_path, password_iterations=1_000, lockout_threshold=5, lockout_minutes=15)
    app = create_app(settings, database=sqlite_database, clock=clock)
    with TestClient(app, raise_server_exceptions=False, client=(ADDRESS, 40000)) as http:
        yield http, sqlite_database, settings, clock


def _while_hashing(monkeypatch, meanwhile: Callable[[], None]) -> None:  # noqa: ANN001
    """Run `meanwhile` inside the login's password check, the first time it is called."""
    real, done = auth_module.verify_password, []

    def checking(password: str, stored: str) -> bool:
        if not done:
            done.append(True)
            meanwhile()
        return real(password, stored)
    monkeypatch.setattr(auth_module, "verify_password", checking)


def test_the_password_is_checked_without_the_write_lock_or_a_connection(world, monkeypatch) -> None:  # noqa: ANN001
    http, database, _, _ = world
    seen = {}

    def probe() -> None:
        seen["connections"] = database.engine.pool.checkedout()
        other = sqlite3.connect(database.engine.url.database, timeout=0)  # fails at once if the lock is held
        try:
            other.execute("BEGIN IMMEDIATE")
            seen["write_lock"] = "free"
            other.rollback()
        except sqlite3.OperationalError as exc:
            seen["write_lock"] = str(exc)
        finally:
            other.close()
    _while_hashing(monkeypatch, probe)
    r = http.post(LOGIN, json={"username": "clerk", "password": PASSWORD})
    assert r.status_code == 200, r.text
    assert seen == {"connections": 0, "write_lock": "free"}


def test_a_lock_set_while_the_password_was_checked_refuses_even_the_right_one(world, monkeypatch) -> None:  # noqa: ANN001
    http, database, settings, clock = world

    def others_fail() -> None:  # another attempt from this address crossing the threshold meanwhile
        with database.session() as s:
            throttle = Throttle(s, settings, clock())
            for _ in range(settings.lockout_threshold):
                throttle.failed("clerk", ADDRESS)
    _while_hashing(monkeypatch, others_fail)
    r = http.post(LOGIN, json={"username": "clerk", "password": PASSWORD})
    assert (r.status_code, r.json()["error"]["code"]) == (423, "account_locked")
    with database.read_session() as s:
        outcomes = s.scalars(select(AuditEntry.outcome).where(AuditEntry.action == "login").order_by(AuditEntry.id)).all()
    assert outcomes[-1] == "locked_account"


def test_a_password_changed_while_it_was_checked_is_checked_again(world, monkeypatch) -> None:  # noqa: ANN001
    http, database, _, _ = world

    def changed() -> None:
        with database.session() as s:
            s.scalars(select(StaffUser).filter_by(username="clerk")).one().password_hash = hash_password(
                "New-Password-2026", iterations=1_000)
    _while_hashing(monkeypatch, changed)
    r = http.post(LOGIN, json={"username": "clerk", "password": PASSWORD})
    assert (r.status_code, r.json()["error"]["code"]) == (401, "invalid_credentials")
    monkeypatch.undo()
    assert http.post(LOGIN, json={"username": "clerk", "password": "New-Password-2026"}).status_code == 200


def test_an_account_disabled_while_its_password_was_checked_is_refused(world, monkeypatch) -> None:  # noqa: ANN001
    http, database, _, _ = world

    def disabled() -> None:
        with database.session() as s:
            s.scalars(select(StaffUser).filter_by(username="clerk")).one().active = False
    _while_hashing(monkeypatch, disabled)
    r = http.post(LOGIN, json={"username": "clerk", "password": PASSWORD})
    assert (r.status_code, r.json()["error"]["code"]) == (401, "invalid_credentials")


def test_a_lock_that_lapsed_between_the_two_units_does_not_pass_an_unchecked_password(world, monkeypatch) -> None:  # noqa: ANN001
    """Blocked when it came in, the password was never looked at; when the lock has lapsed by the writing unit,
    the password is checked there, not taken as a pass."""
    http, _, _, clock = world
    real, calls = Throttle.blocked_until, []

    def lapsing(self, username: str, address: str):  # noqa: ANN001, ANN202
        calls.append(username)
        return ("account", clock() + dt.timedelta(seconds=1)) if len(calls) == 1 else real(self, username, address)
    monkeypatch.setattr(Throttle, "blocked_until", lapsing)
    r = http.post(LOGIN, json={"username": "clerk", "password": "Wrong-Password-1"})
    assert (r.status_code, r.json()["error"]["code"]) == (401, "invalid_credentials")
    calls.clear()
    assert http.post(LOGIN, json={"username": "clerk", "password": PASSWORD}).status_code == 200
