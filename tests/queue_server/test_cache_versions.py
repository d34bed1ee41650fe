"""Issue 19, per-request cost: a server process keeps the hall configuration and the verified device tokens
between pushes (server/store/versions.py), yet a change made through another process — here a second app on
its own engine, as a second process would have — counts at the very next push, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, select, text

from server.core.settings import Settings
from server.main import create_app
from server.store import versions
from server.store.database import Database
from shared.db.models import Quota
from tests.fixtures.server import login
from tests.queue_server.support import QueueHall


@pytest.fixture
def other(database: Database, qclock) -> Iterator[QueueHall]:  # noqa: ANN001
    """A second server on the same database, with its own engine and so its own kept copies."""
    second = Database(database.url)
    app = create_app(Settings(migrate_on_start=False, password_iterations=1000), database=second, clock=qclock)
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            yield QueueHall(second, client, qclock)
    finally:
        second.dispose()


def _statements(db: Database) -> list[str]:
    seen: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda conn, cursor, sql, *rest: seen.append(sql))
    return seen


def test_later_pushes_read_neither_the_configuration_nor_the_credential(qhall: QueueHall) -> None:
    kiosk = qhall.device("dispenser")
    assert qhall.issue(kiosk, "A")[1]["status"] == "accepted"
    seen = _statements(qhall.db)
    for _ in range(3):
        assert qhall.issue(kiosk, "A")[1]["status"] == "accepted"
    config = [s for s in seen if "FROM business" in s or "FROM window" in s or "queue_hall_rules" in s]
    credential = [s for s in seen if "JOIN device" in s]
    assert (config, credential) == ([], [])
    assert sum("FROM cache_version" in s for s in seen) == 3  # one version check a push


def test_a_configuration_change_through_another_process_counts_at_the_next_push(qhall: QueueHall,
                                                                               other: QueueHall) -> None:
    kiosk = qhall.device("dispenser")
    first = other.issue(kiosk, "A")[1]  # the other process now keeps this hall's configuration
    assert first["status"] == "accepted" and "business_paused" not in first["result"]["flags"]
    with qhall.db.read_session() as s:
        quota = s.scalars(select(Quota).where(Quota.business_id == qhall.business["A"])).one()
        kept = {"daily_limit": quota.daily_limit, "am_limit": quota.am_limit, "pm_limit": quota.pm_limit,
                "opens_at": quota.opens_at.isoformat(), "closes_at": quota.closes_at.isoformat()}
    r = qhall.client.put(f"/api/v1/queue/admin/businesses/{qhall.business['A']}/quota", headers=login(qhall.client),
                         json={**kept, "paused": True})
    assert r.status_code == 200, r.text
    paused = other.issue(kiosk, "A")[1]
    assert paused["status"] == "accepted" and "business_paused" in paused["result"]["flags"]


def test_a_revocation_through_another_process_refuses_the_next_request(qhall: QueueHall, other: QueueHall) -> None:
    kiosk = qhall.device("dispenser")
    assert other.issue(kiosk, "A")[1]["status"] == "accepted"  # the other process now keeps this token
    r = qhall.client.post(f"/api/v1/admin/devices/{kiosk.id}/revoke", headers=login(qhall.client))
    assert r.status_code == 204, r.text
    refused = other.client.post("/api/v1/sync/push", headers=kiosk.headers, json={
        "device": kiosk.id, "protocol_version": 1,
        "commands": [other.command(kiosk, "queue.issue", other.issue_args(kiosk, "A"))]})
    assert (refused.status_code, refused.json()["error"]["code"]) == (401, "device_revoked")


def test_a_device_moved_or_deactivated_by_sql_counts_at_once(qhall: QueueHall) -> None:
    """Triggers, not the admin API, replace the version: even a console UPDATE counts."""
    kiosk = qhall.device("dispenser")
    assert qhall.issue(kiosk, "A")[1]["status"] == "accepted"
    with qhall.db.session() as s:
        s.execute(text("UPDATE device SET active = :no WHERE id = :id"), {"no": False, "id": kiosk.id})
    r = qhall.client.post("/api/v1/sync/push", headers=kiosk.headers, json={
        "device": kiosk.id, "protocol_version": 1,
        "commands": [qhall.command(kiosk, "queue.issue", qhall.issue_args(kiosk, "A"))]})
    assert (r.status_code, r.json()["error"]["code"]) == (401, "device_token_invalid")


def test_a_push_does_not_replace_the_device_token_version(qhall: QueueHall) -> None:
    """The push's own UPDATE of the device's row (last_seq, last_seen_at) leaves the kept tokens alone."""
    kiosk = qhall.device("dispenser")
    with qhall.db.read_session() as s:
        before = versions.read(s)
    assert qhall.issue(kiosk, "A")[1]["status"] == "accepted"
    with qhall.db.read_session() as s:
        after = versions.read(s)
    assert after[versions.DEVICE_TOKEN] == before[versions.DEVICE_TOKEN]
