"""Signing in online, and offline only when the server cannot be reached."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from client.services.auth import AuthService, LoginRefused
from client.services.offline_logins import OfflineLoginRefused, OfflineLoginStore, OfflinePolicy
from tests.fixtures.server import FakeClock

PASSWORD = "GovHall@2026"


@pytest.fixture
def store(tmp_path: Path) -> OfflineLoginStore:
    return OfflineLoginStore(tmp_path / "logins.json", OfflinePolicy(iterations=1000))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.timezone.utc))


def test_online_login_returns_a_session_and_remembers_a_verifier(server_url, store, clock, tmp_path) -> None:
    session = AuthService(server_url, store, clock=clock).login("clerk", PASSWORD)
    assert (session.display_name, session.roles, session.offline) == ("王晓敏", ("clerk", "licence_officer"), False)
    assert session.token and session.primary_role == "clerk"
    saved = (tmp_path / "logins.json").read_text(encoding="utf-8")
    assert PASSWORD not in saved and "pbkdf2-sm3$" in saved


def test_offline_login_after_an_online_one(server_url, dead_url, store, clock) -> None:
    AuthService(server_url, store, clock=clock).login("approver", PASSWORD)
    offline = AuthService(dead_url, store, clock=clock).login("approver", PASSWORD)
    assert offline.offline and offline.token is None and offline.roles == ("approver", "head", "reviewer", "verifier")


def test_refused_password_online_never_falls_back_to_offline(server_url, store, clock) -> None:
    service = AuthService(server_url, store, clock=clock)
    service.login("clerk", PASSWORD)
    with pytest.raises(LoginRefused) as err:
        service.login("clerk", "wrong")
    assert err.value.code == "invalid_credentials"


def test_offline_refusals(server_url, dead_url, store, clock) -> None:
    offline = AuthService(dead_url, store, clock=clock)
    with pytest.raises(OfflineLoginRefused) as err:
        offline.login("supervisor", PASSWORD)
    assert err.value.code == "offline_unknown_user"
    AuthService(server_url, store, clock=clock).login("supervisor", PASSWORD)
    for _ in range(4):
        with pytest.raises(OfflineLoginRefused) as err:
            offline.login("supervisor", "bad")
        assert err.value.code == "offline_wrong_password"
    with pytest.raises(OfflineLoginRefused):
        offline.login("supervisor", "bad")
    with pytest.raises(OfflineLoginRefused) as err:
        offline.login("supervisor", PASSWORD)  # locked now, even with the right password
    assert err.value.code == "offline_locked"
    clock.advance(minutes=16)
    assert offline.login("supervisor", PASSWORD).offline


def test_offline_verifier_expires(server_url, dead_url, store, clock) -> None:
    AuthService(server_url, store, clock=clock).login("clerk", PASSWORD)
    clock.advance(days=31)
    with pytest.raises(OfflineLoginRefused) as err:
        AuthService(dead_url, store, clock=clock).login("clerk", PASSWORD)
    assert err.value.code == "offline_expired"


def test_damaged_store_file_costs_only_offline_logins(server_url, dead_url, store, clock, tmp_path) -> None:
    (tmp_path / "logins.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(OfflineLoginRefused):
        AuthService(dead_url, store, clock=clock).login("clerk", PASSWORD)
    assert not AuthService(server_url, store, clock=clock).login("clerk", PASSWORD).offline


def test_empty_credentials(server_url, store) -> None:
    with pytest.raises(LoginRefused) as err:
        AuthService(server_url, store).login("  ", "")
    assert err.value.code == "missing_credentials"


def test_pin_login_online_offline_and_offline_lockout(server_url, dead_url, store, clock, tmp_path) -> None:
    pins = OfflineLoginStore(tmp_path / "pins.json", OfflinePolicy(iterations=1000), wrong_code="offline_wrong_pin")
    online = AuthService(server_url, store, clock=clock, pins=pins)
    online.set_pin(online.login("clerk", PASSWORD), PASSWORD, "2468")
    assert "2468" not in (tmp_path / "pins.json").read_text(encoding="utf-8")
    assert not online.login_pin("0101", "2468").offline
    with pytest.raises(LoginRefused) as err:
        online.login_pin("0101", "1111")  # refused by the server: final, no offline fallback
    assert err.value.code == "invalid_pin"
    offline = AuthService(dead_url, store, clock=clock, pins=pins)
    session = offline.login_pin("0101", "2468")
    assert session.offline and session.username == "clerk" and session.token is None
    codes = []
    for _ in range(5):
        with pytest.raises(OfflineLoginRefused) as err:
            offline.login_pin("0101", "9999")
        codes.append(err.value.code)
    assert codes == ["offline_wrong_pin"] * 5
    with pytest.raises(OfflineLoginRefused) as err:
        offline.login_pin("0101", "2468")  # locked locally, as the server would
    assert err.value.code == "offline_locked"
    clock.advance(minutes=16)
    assert offline.login_pin("0101", "2468").offline
    with pytest.raises(LoginRefused) as err:
        offline.login_pin("DG0101", "2468")  # a keypad has digits only
    assert err.value.code == "missing_credentials"
