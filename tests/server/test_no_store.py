"""Every answer tells caches and proxies (a load balancer in front of several processes) not to keep it."""

from __future__ import annotations


def test_answers_and_refusals_are_marked_no_store(client) -> None:  # noqa: ANN001
    assert client.get("/healthz").headers["cache-control"] == "no-store"
    refused = client.get("/api/v1/auth/me")
    assert refused.status_code == 401 and refused.headers["cache-control"] == "no-store"
    too_big = client.post("/api/v1/auth/login", content=b"x" * 5_000_000, headers={"content-type": "application/json"})
    assert too_big.status_code == 413 and too_big.headers["cache-control"] == "no-store"
