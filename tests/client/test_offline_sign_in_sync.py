"""A member signed in offline at a workstation: once the server answers again, the workstation signs them in
online before it sends anything, so what they did offline is accepted under their name. Without it the
server refused their commands (role_required: no staff token) and their role's scopes. An account the admin
disabled reaches the workstation by sync and signs in offline no more."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from client.services.auth import AuthService, LoginRefused
from client.services.offline_accounts import follow_accounts
from client.services.offline_logins import OfflineLoginRefused, OfflineLoginStore, OfflinePolicy
from shared.db.cache import open_cache
from shared.db.models.org import Window
from shared.db.models.staff import StaffUser
from shared.sync.client import SyncClient
from shared.sync.errors import SyncFailed
from shared.sync.transport import HttpTransport
from tests.sync.support import new_device

PASSWORD = "GovHall@2026"


class Network(requests.Session):
    """The workstation's line to the server, cut and mended by the test."""
    cut = False

    def post(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        if self.cut:
            raise requests.ConnectionError("the network is cut")
        return super().post(*args, **kwargs)


@pytest.fixture
def counter(server_url, sqlite_database, clock, tmp_path: Path):  # noqa: ANN001, ANN201
    with sqlite_database.session() as session:
        window = session.scalars(select(Window).order_by(Window.id)).first()
        hall_id, window_id = window.hall_id, window.id
    device_id, token = new_device(sqlite_database, "workstation", hall_id, window_id)
    network = Network()
    auth = AuthService(server_url, OfflineLoginStore(tmp_path / "logins.json", OfflinePolicy(iterations=1000)),
                       http=network, device_id=device_id, clock=clock)
    auth.login("clerk", PASSWORD)  # signed in online once: the workstation keeps a verifier
    network.cut = True
    return auth, network, device_id, token, window_id


@pytest.mark.parametrize("how", ["password", "pin"])
def test_work_after_an_offline_sign_in_is_accepted_when_the_server_returns(counter, server_url, server_clock,
                                                                           tmp_path, how) -> None:
    auth, network, device_id, token, window_id = counter
    if how == "pin":
        auth.pins = OfflineLoginStore(tmp_path / "pins.json", OfflinePolicy(iterations=1000),
                                      wrong_code="offline_wrong_pin")
        network.cut = False
        auth.set_pin(auth.login("clerk", PASSWORD), PASSWORD, "2580")
        network.cut = True
        session = auth.login_pin("0101", "2580")
    else:
        session = auth.login("clerk", PASSWORD)
    assert session.offline and session.token is None
    sync = SyncClient(open_cache(tmp_path / "cache.sqlite3", immediate=True), device_id=device_id, token=token,
                      transport=HttpTransport(server_url), staff_login=session.sign_in_online)
    sync.submit("queue.pause", 1, {"window_id": window_id, "at": server_clock().isoformat()})
    with pytest.raises(SyncFailed) as err:
        sync.sync_once()  # the sign-in cannot reach the server: nothing goes without it
    assert err.value.code == "network" and sync.status().pending == 1
    network.cut = False
    sync.sync_once()
    status = sync.status()
    assert (status.pending, status.rejected, status.online) == (0, [], True)
    assert sync.staff_token and sync.staff_login is None


def test_a_refused_online_sign_in_keeps_the_offline_work_waiting(counter, server_url, server_clock,
                                                                 tmp_path) -> None:
    auth, network, device_id, token, window_id = counter
    session = auth.login("clerk", PASSWORD)
    # the password was changed elsewhere meanwhile: the sign-in the member made offline no longer holds
    online = requests.post(f"{server_url}/api/v1/auth/login", json={"username": "clerk", "password": PASSWORD},
                           timeout=10).json()["token"]
    changed = requests.post(f"{server_url}/api/v1/auth/password", timeout=10,
                            headers={"Authorization": f"Bearer {online}"},
                            json={"current_password": PASSWORD, "new_password": "Changed#2026x"})
    assert changed.status_code == 204, changed.text
    sync = SyncClient(open_cache(tmp_path / "cache.sqlite3", immediate=True), device_id=device_id, token=token,
                      transport=HttpTransport(server_url), staff_login=session.sign_in_online)
    sync.submit("queue.pause", 1, {"window_id": window_id, "at": server_clock().isoformat()})
    network.cut = False
    with pytest.raises(SyncFailed) as err:
        sync.sync_once()
    status = sync.status()
    assert err.value.code == status.last_error_code and err.value.code != "network"
    assert (status.pending, status.rejected) == (1, [])


def _admin_post(server_url: str, path: str) -> None:
    admin = requests.post(f"{server_url}/api/v1/auth/login", json={"username": "admin", "password": PASSWORD},
                          timeout=10).json()["token"]
    r = requests.post(f"{server_url}/api/v1/admin{path}", headers={"Authorization": f"Bearer {admin}"}, timeout=10)
    assert r.status_code == 204, r.text


def test_a_disabled_account_cannot_sign_in_offline(counter, server_url, sqlite_database, tmp_path) -> None:
    """The admin disables the clerk; the workstation's next pull brings the staff row, and from then on neither
    the clerk's password nor their PIN signs in offline (nor unlocks the screen). Enabled again, they do."""
    auth, network, device_id, token, _ = counter
    auth.pins = OfflineLoginStore(tmp_path / "pins.json", OfflinePolicy(iterations=1000),
                                  wrong_code="offline_wrong_pin")
    network.cut = False
    session = auth.login("clerk", PASSWORD)
    auth.set_pin(session, PASSWORD, "2580")
    with sqlite_database.session() as s:
        clerk = s.scalars(select(StaffUser.id).filter_by(username="clerk")).one()
    engine = open_cache(tmp_path / "cache.sqlite3", immediate=True)
    sync = SyncClient(engine, device_id=device_id, token=token, transport=HttpTransport(server_url))
    follow_accounts(sync, engine, [auth.offline, auth.pins])
    sync.sync_once()
    network.cut = True
    assert auth.login("clerk", PASSWORD).offline  # still enabled: offline works

    _admin_post(server_url, f"/staff/{clerk}/disable")
    sync.sync_once()  # the workstation's sync reaches the server; the member's network does not matter
    for attempt in (lambda: auth.login("clerk", PASSWORD), lambda: auth.login_pin("0101", "2580")):
        with pytest.raises(OfflineLoginRefused) as err:
            attempt()
        assert err.value.code == "offline_account_disabled"
    with pytest.raises(LoginRefused) as err:
        auth.unlock(session, PASSWORD)
    assert err.value.code == "account_disabled"
    with pytest.raises(OfflineLoginRefused) as err:
        auth.login("clerk", "wrong-guess")  # a wrong password still says only that
    assert err.value.code == "offline_wrong_password"

    _admin_post(server_url, f"/staff/{clerk}/enable")
    sync.sync_once()
    assert auth.login("clerk", PASSWORD).offline and auth.login_pin("0101", "2580").offline
    engine.dispose()


def test_a_token_idle_too_long_is_refused_and_a_new_sign_in_sends_the_waiting_work(server_url, server_clock,
                                                                                    sqlite_database,
                                                                                    tmp_path) -> None:
    """The server refuses a session token unused for 30 minutes (background pulls do not count): the sync
    says so with its own code and keeps the queued command; the member's new sign-in (what the screen lock's
    unlock hands the sync client) sends it."""
    with sqlite_database.session() as s:
        window = s.scalars(select(Window).order_by(Window.id)).first()
        hall_id, window_id = window.hall_id, window.id
    device_id, token = new_device(sqlite_database, "workstation", hall_id, window_id)
    auth = AuthService(server_url, OfflineLoginStore(tmp_path / "logins.json", OfflinePolicy(iterations=1000)),
                       device_id=device_id)
    session = auth.login("clerk", PASSWORD)
    sync = SyncClient(open_cache(tmp_path / "cache.sqlite3", immediate=True), device_id=device_id, token=token,
                      transport=HttpTransport(server_url), staff_token=session.token)
    sync.sync_once()
    for _ in range(3):  # pulls only, every 12 minutes: not a use of the token
        server_clock.advance(minutes=12)
        try:
            sync.sync_once()
        except SyncFailed:
            break
    sync.submit("queue.pause", 1, {"window_id": window_id, "at": server_clock().isoformat()})
    with pytest.raises(SyncFailed) as err:
        sync.sync_once()
    assert err.value.code == "staff_token_idle" and not err.value.retry
    assert sync.status().pending == 1 and sync.status().rejected == []
    sync.staff_login = auth.online_sign_in("clerk", PASSWORD)
    sync.sync_once()
    status = sync.status()
    assert (status.pending, status.rejected, status.last_error_code) == (0, [], None)
    assert sync.staff_token and sync.staff_token != session.token
