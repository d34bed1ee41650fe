"""Statistics read from the replica when one is configured (settings.replica_url); everything else from the
primary. Pointed at the same PostgreSQL database, the figures are the primary's; pointed at another copy, they
are that copy's — which shows where they are read."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from server.core.settings import Settings
from server.main import create_app
from server.store.database import Database
from tests.fixtures.server import FakeClock, login
from tests.pg import pg_database
from tests.queue_server.conftest import TEST_KEYS
from tests.queue_server.support import DAY, START, QueueHall

pytestmark = pytest.mark.pg


@pytest.fixture
def primary_url(pg_template: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    for name, value in TEST_KEYS.items():
        monkeypatch.setenv(name, value)
    with pg_database(template=pg_template) as engine:
        yield engine.url.render_as_string(hide_password=False)


def issued_through(primary: str, replica: str) -> int:
    """Issue one ticket on the primary; the statistics' count of tickets issued that day."""
    settings = Settings(migrate_on_start=False, password_iterations=1000, replica_url=replica)
    database = Database.from_settings(settings.model_copy(update={"database_url": primary}))
    app = create_app(settings, database=database, clock=FakeClock(START))
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            hall = QueueHall(database, client, None)
            assert hall.issue(hall.device("dispenser"), "A")[1]["status"] == "accepted"
            r = client.get(f"/api/v1/queue/halls/{hall.hall_id}/statistics", params={"day": DAY.isoformat()},
                           headers=login(client, "supervisor"))
            assert r.status_code == 200, r.text
            return r.json()["totals"]["issued"]
    finally:
        database.dispose()


def test_statistics_on_a_replica_of_the_same_database_see_the_primary_s_figures(primary_url: str) -> None:
    assert issued_through(primary_url, replica=primary_url) == 1


def test_statistics_are_read_from_the_replica_and_nothing_else_is(primary_url: str, pg_template: str) -> None:
    with pg_database(template=pg_template) as other:  # a "replica" that never received the ticket
        assert issued_through(primary_url, replica=other.url.render_as_string(hide_password=False)) == 0


def test_the_replica_session_is_read_only(primary_url: str) -> None:
    database = Database(primary_url, replica_url=primary_url)
    try:
        with pytest.raises(DBAPIError, match="read-only"):
            with database.stats_session() as session:
                session.execute(text("CREATE TABLE never (id int)"))
    finally:
        database.dispose()
