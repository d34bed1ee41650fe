"""Issue 18, device tokens: an admin revokes a device (refused at once, with a code the device shows) or
rotates its token (the old one stops, the new one works); caches learn of it through one subscription."""

from __future__ import annotations

import pytest

from server.sync import device_tokens
from server.sync.devices import hash_token
from tests.access.support import device
from tests.fixtures.server import login


def _pull(client, token: str, hall_id: int):  # noqa: ANN001, ANN202
    return client.get("/api/v1/sync/pull", params={"cursors": f"hall:{hall_id}@0"},
                      headers={"Authorization": f"Bearer {token}"})


def test_revoke_refuses_the_device_at_once(client, app) -> None:  # noqa: ANN001
    device_id, token = device(app.state.database, "dispenser", 1)
    heard: list[str] = []
    unsubscribe = device_tokens.subscribe(heard.append)
    try:
        assert _pull(client, token, 1).status_code == 200
        admin = login(client, "admin")
        assert client.post(f"/api/v1/admin/devices/{device_id}/revoke", headers=login(client, "clerk")
                           ).status_code == 403
        assert client.post(f"/api/v1/admin/devices/{device_id}/revoke", headers=admin).status_code == 204
        refused = _pull(client, token, 1)
        assert (refused.status_code, refused.json()["error"]["code"]) == (401, "device_revoked")
        assert "吊销" in refused.json()["error"]["message"]
        assert heard == [hash_token(token)]
        missing = client.post("/api/v1/admin/devices/nope/revoke", headers=admin)
        assert (missing.status_code, missing.json()["error"]["code"]) == (404, "device_unknown")
    finally:
        unsubscribe()


def test_rotate_gives_a_new_token_and_retires_the_old(client, app) -> None:  # noqa: ANN001
    device_id, old = device(app.state.database, "display", 1)
    heard: list[str] = []
    unsubscribe = device_tokens.subscribe(heard.append)
    try:
        r = client.post(f"/api/v1/admin/devices/{device_id}/rotate", headers=login(client, "admin"))
        assert r.status_code == 200 and r.json()["device_id"] == device_id
        new = r.json()["token"]
        assert new != old and heard == [hash_token(old)]
        assert _pull(client, old, 1).status_code == 401
        assert _pull(client, new, 1).status_code == 200
    finally:
        unsubscribe()


def test_a_revoked_devices_sync_stops_and_its_status_says_why(client, app, tmp_path) -> None:  # noqa: ANN001
    from shared.db.cache import open_cache
    from shared.sync.client import SyncClient
    from shared.sync.errors import SyncFailed
    from tests.sync.test_client_loop import AppTransport

    device_id, token = device(app.state.database, "display", 1)
    sync = SyncClient(open_cache(tmp_path / "display.sqlite3", immediate=True), device_id=device_id, token=token,
                      transport=AppTransport(client))
    sync.sync_once()
    assert not sync.status().credential_revoked
    client.post(f"/api/v1/admin/devices/{device_id}/revoke", headers=login(client, "admin"))
    with pytest.raises(SyncFailed) as refused:
        sync.sync_once()
    assert refused.value.code == "device_revoked" and refused.value.retry is False
    assert sync.status().credential_revoked


def test_rotate_can_answer_the_devices_whole_new_config_file(client, app) -> None:  # noqa: ANN001
    """Asked with the server address, 更换令牌 answers the config file the device loads (what the admin page
    saves): the new token, its window, and for a workstation a new signing key registered with it. A bad
    address is refused and nothing is rotated."""
    import tomllib

    from server.approval.signing_keys import registered_keys
    from shared.crypto.sm2 import Signer
    from shared.db.models import Window

    with app.state.database.session() as s:
        window = s.query(Window).filter_by(hall_id=1, number=1).one()
        window_id = window.id
    device_id, old = device(app.state.database, "workstation", 1, window_id)
    admin = login(client, "admin")
    url = f"/api/v1/admin/devices/{device_id}/rotate"
    refused = client.post(url, headers=admin, json={"server": "ftp://nowhere"})
    assert (refused.status_code, refused.json()["error"]["code"]) == (422, "server_url_invalid")
    assert _pull(client, old, 1).status_code == 200  # refused: the old token still works
    r = client.post(url, headers=admin, json={"server": "http://10.0.0.5:8765"})
    assert r.status_code == 200, r.text
    answer = r.json()
    assert answer["file_name"] == "workstation.toml"
    section = tomllib.loads(answer["config"])["workstation"]
    assert section["device_token"] == answer["token"] != old and section["device_id"] == device_id
    assert section["server"] == "http://10.0.0.5:8765" and section["window"] == 1
    signer_key = Signer.from_pkcs8(bytes.fromhex(section["signing_key"])).public_key
    with app.state.database.session() as s:
        assert signer_key in [k.public_key for k in registered_keys(s, device_id)]
    assert _pull(client, old, 1).status_code == 401 and _pull(client, answer["token"], 1).status_code == 200
    assert client.post(url, headers=login(client, "clerk"), json={"server": "http://10.0.0.5:8765"}).status_code == 403
