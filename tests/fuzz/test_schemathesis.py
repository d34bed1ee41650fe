"""The whole OpenAPI schema fuzzed against the app in process (issue 18), as an admin and as a device: no
answer may be a 5xx. Bounded for the normal suite: a fixed number of derandomized examples per operation
(GOVHALL_FUZZ_EXAMPLES raises it; the issue's probe ran ~26,000 requests)."""

from __future__ import annotations

import datetime as dt
import logging
import os
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from fastapi.testclient import TestClient

from server.core.settings import Settings
from server.main import create_app
from server.store.database import Database
from tests.queue_server.conftest import TEST_KEYS
from tests.sync.support import demo_hall, new_device

EXAMPLES = int(os.environ.get("GOVHALL_FUZZ_EXAMPLES", "20"))
# Long-polls wait for their timeout; a fuzzer would only measure the wait.
SKIP = {"GET /api/v1/sync/events"}


def _operations(app) -> list:  # noqa: ANN001
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    return [op.ok() for op in schema.get_all_operations() if op.ok().label not in SKIP]


@pytest.mark.soak
@pytest.mark.parametrize("who", ["admin", "device"])
def test_no_operation_answers_5xx(who: str, database: Database, tmp_path: Path, clock,  # noqa: ANN001
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in TEST_KEYS.items():
        monkeypatch.setenv(name, value)
    logging.getLogger("govhall.server").setLevel(logging.CRITICAL)  # 4xx warnings would flood the report
    app = create_app(Settings(data_dir=tmp_path, password_iterations=1000, lockout_threshold=10**6),
                     database=database, clock=clock)
    with TestClient(app, raise_server_exceptions=False) as http:
        if who == "admin":
            token = http.post("/api/v1/auth/login", json={"username": "admin", "password": "GovHall@2026"}).json()["token"]
        else:
            hall, windows = demo_hall(database)
            _, token = new_device(database, "workstation", hall, windows[0])
    headers = {"Authorization": f"Bearer {token}"}
    failures: list[str] = []
    for operation in _operations(app):
        @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def call(case) -> None:  # noqa: ANN001
            response = case.call(headers=headers)
            if response.status_code >= 500:
                failures.append(f"{operation.label} {response.status_code} path={case.path_parameters} "
                                f"query={case.query} body={str(case.body)[:200]}: {response.text[:200]}")

        call()
    assert not failures, "\n".join(failures[:20])
