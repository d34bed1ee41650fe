"""Verified device tokens are remembered (server.sync.token_cache): a device's requests after the first do not
look its token up again; the device row is still read every time (a deactivated device is refused at once),
and the revoke hook makes the very next request look a replaced token up again."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, update

from server.core.settings import Settings
from server.main import create_app
from server.sync.token_cache import TokenCache
from server.sync.models import SyncDevice
from shared.db.models import Device
from tests.sync.support import FakeClock, demo_hall, new_device


@pytest.fixture
def env(server_db):  # noqa: ANN001
    app = create_app(Settings(migrate_on_start=False), database=server_db, clock=FakeClock())
    hall_id, windows = demo_hall(server_db)
    with TestClient(app) as client:
        yield app, client, server_db, hall_id


def _pull(client: TestClient, token: str) -> int:
    return client.get("/api/v1/sync/pull", headers={"Authorization": f"Bearer {token}"}).status_code


def test_a_known_token_is_not_looked_up_again(env) -> None:  # noqa: ANN001
    app, client, db, hall_id = env
    dev, token = new_device(db, "display", hall_id)
    statements: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    assert _pull(client, token) == 200
    first = [s for s in statements if "sync_device.token_hash = " in s]
    statements.clear()
    assert _pull(client, token) == 200
    assert first and not [s for s in statements if "sync_device.token_hash = " in s]


def test_deactivation_counts_at_once_and_the_revoke_hook_refuses_a_replaced_token(env) -> None:  # noqa: ANN001
    app, client, db, hall_id = env
    dev, token = new_device(db, "display", hall_id)
    other, other_token = new_device(db, "display", hall_id)
    assert _pull(client, token) == 200 and _pull(client, other_token) == 200
    with db.session() as s:
        s.execute(update(Device).where(Device.id == dev).values(active=False))
    assert _pull(client, token) == 401  # no hook needed: the device row is read at every request
    with db.session() as s:  # the token is revoked: replaced by another one
        s.execute(update(SyncDevice).where(SyncDevice.device_id == other).values(token_hash="0" * 64))
    assert app.state.device_tokens.forget_device(other) == 1
    assert _pull(client, other_token) == 401
    assert _pull(client, "not-a-token") == 401


def test_entries_expire() -> None:
    now = [0.0]
    cache = TokenCache(ttl=30, monotonic=lambda: now[0])
    cache.put("h1", "d1")
    assert cache.get("h1") == "d1"
    now[0] = 30.0
    assert cache.get("h1") is None and len(cache) == 0
