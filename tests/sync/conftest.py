"""Fixtures for the sync tests: a server database on SQLite and (marker `pg`) on PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from server.store.database import Database
from tests.sync.support import make_database, pg_schema


@pytest.fixture
def sync_long(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--sync-long") or os.environ.get("GOVHALL_SYNC_LONG") == "1")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def server_db(request: pytest.FixtureRequest, tmp_path) -> Iterator[Database]:  # noqa: ANN001
    if request.param == "sqlite":
        db = make_database("sqlite", tmp_path)
        yield db
        db.dispose()
        return
    with pg_schema() as schema:
        db = make_database("postgresql", tmp_path, schema)
        yield db
        db.dispose()


def pytest_configure(config: pytest.Config) -> None:
    # --sync-long (declared in tests/conftest.py) and GOVHALL_SYNC_LONG=1 are the same switch; the Hypothesis
    # settings read the variable when their module is imported.
    if config.getoption("--sync-long", default=False):
        os.environ["GOVHALL_SYNC_LONG"] = "1"
