"""Issue 18, login: the same answer and the same work for unknown users, disabled accounts and wrong
passwords; lockout per (account, address) plus a per-address throttle, so a fuzzer elsewhere cannot lock
admin out."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

import server.api.auth as auth_module
from tests.access.support import PASSWORD

LOGIN = "/api/v1/auth/login"


def _from(app, address: str) -> TestClient:  # noqa: ANN001
    return TestClient(app, raise_server_exceptions=False, client=(address, 40000))


@pytest.fixture
def hashes(monkeypatch) -> list[str]:  # noqa: ANN001
    """Every password hash the login computes (a stand-in for its timing)."""
    calls: list[str] = []
    real = auth_module.verify_password

    def counted(password: str, stored: str) -> bool:
        calls.append(stored)
        return real(password, stored)
    monkeypatch.setattr(auth_module, "verify_password", counted)
    return calls


def test_unknown_users_and_wrong_passwords_get_the_same_answer_after_the_same_work(client, hashes) -> None:  # noqa: ANN001
    answers = []
    for username in ("clerk", "nobody-at-all"):
        hashes.clear()
        r = client.post(LOGIN, json={"username": username, "password": "Wrong-Password-1"})
        answers.append((r.status_code, r.json()))
        assert len(hashes) == 1  # one PBKDF2 run each
        assert hashes[0].split("$")[1] == "1000"  # at the configured cost, for the decoy too
    assert answers[0] == answers[1] == (401, {"error": {"code": "invalid_credentials",
                                                       "message": "用户名或密码错误（wrong username or password）"}})


def test_an_unknown_username_locks_exactly_like_a_real_one(client) -> None:  # noqa: ANN001
    def five(username: str) -> list[tuple[int, str]]:
        out = []
        for _ in range(6):
            r = client.post(LOGIN, json={"username": username, "password": "Wrong-Password-1"})
            out.append((r.status_code, r.json()["error"]["code"]))
        return out
    assert five("approver") == five("no-such-user")


def test_a_fuzzer_elsewhere_cannot_lock_admin_out(app, clock) -> None:  # noqa: ANN001
    with _from(app, "10.9.9.9") as fuzzer, _from(app, "10.0.0.5") as desk:
        codes = [fuzzer.post(LOGIN, json={"username": "admin", "password": "x"}).status_code for _ in range(8)]
        assert codes[:4] == [401] * 4 and set(codes[4:]) == {423}
        assert fuzzer.post(LOGIN, json={"username": "admin", "password": PASSWORD}).status_code == 423
        assert desk.post(LOGIN, json={"username": "admin", "password": PASSWORD}).status_code == 200


def test_one_address_spraying_many_accounts_is_throttled(app, settings) -> None:  # noqa: ANN001
    settings.address_failure_limit = 10
    with _from(app, "10.9.9.8") as sprayer, _from(app, "10.0.0.6") as desk:
        for n in range(10):
            assert sprayer.post(LOGIN, json={"username": f"user{n}", "password": "x"}).status_code in (401, 423)
        r = sprayer.post(LOGIN, json={"username": "clerk", "password": PASSWORD})
        assert (r.status_code, r.json()["error"]["code"]) == (429, "login_throttled")
        assert desk.post(LOGIN, json={"username": "clerk", "password": PASSWORD}).status_code == 200
