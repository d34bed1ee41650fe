"""A database that is busy (a locked SQLite file, an exhausted pool) answers 503 busy_retry with Retry-After on
every route — the staff routes included, which answered 500 under bench.load's staff load."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError, TimeoutError as PoolTimeout


@pytest.mark.parametrize("error", [OperationalError("SELECT 1", {}, Exception("database is locked")),
                                   PoolTimeout("QueuePool limit of size 5 overflow 10 reached")])
def test_a_busy_database_answers_503_not_500(client, error) -> None:  # noqa: ANN001
    def busy() -> None:
        raise error
    client.app.add_api_route("/api/v1/test-busy", busy)
    r = client.get("/api/v1/test-busy")
    assert r.status_code == 503, r.text
    assert r.json()["error"]["code"] == "busy_retry" and r.headers["retry-after"] == "1"
