"""No response is cached by a browser or proxy on the way: every answer, errors included, says no-store,
unless a route sets its own Cache-Control."""

from __future__ import annotations

from fastapi.testclient import TestClient

from server.core.settings import Settings
from server.main import create_app


def test_answers_and_errors_say_no_store(sqlite_database, tmp_path) -> None:  # noqa: ANN001
    app = create_app(Settings(migrate_on_start=False, data_dir=tmp_path), database=sqlite_database)
    with TestClient(app) as client:
        for path in ("/healthz", "/api/v1/halls", "/api/v1/sync/pull", "/api/v1/no-such-route"):
            r = client.get(path)
            assert r.headers.get("cache-control") == "no-store", (path, r.status_code, r.headers)
        assert client.post("/api/v1/auth/login", content=b"x" * 10, headers={
            "content-length": str(10**9)}).headers.get("cache-control") == "no-store"  # refused by BodyLimit



def test_answers_and_refusals_are_marked_no_store(client) -> None:  # noqa: ANN001
    assert client.get("/healthz").headers["cache-control"] == "no-store"
    refused = client.get("/api/v1/auth/me")
    assert refused.status_code == 401 and refused.headers["cache-control"] == "no-store"
    too_big = client.post("/api/v1/auth/login", content=b"x" * 5_000_000, headers={"content-type": "application/json"})
    assert too_big.status_code == 413 and too_big.headers["cache-control"] == "no-store"
