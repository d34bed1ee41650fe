"""Fixtures: a queue hall on each backend (SQLite; PostgreSQL with the `pg` marker) and test PII keys."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from server.core.settings import Settings
from server.main import create_app
from tests.fixtures.server import FakeClock
from tests.queue_server.support import START, QueueHall

TEST_KEYS = {"GOVHALL_PII_KEYS": f"t1:{'3a' * 16}", "GOVHALL_PII_INDEX_KEY": "5c" * 32}


@pytest.fixture
def pii_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in TEST_KEYS.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def qclock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def qhall(database, qclock: FakeClock, pii_keys) -> Iterator[QueueHall]:  # noqa: ANN001
    app = create_app(Settings(migrate_on_start=False, password_iterations=1000), database=database, clock=qclock)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield QueueHall(database, client, qclock)
