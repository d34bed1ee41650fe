"""Fixtures for the sync tests: a server database on SQLite and (marker `pg`) on PostgreSQL."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from server.store.database import Database
from tests.sync.harness.world import template_db
from tests.sync.support import pg_copy


@pytest.fixture
def sync_long(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--sync-long") or os.environ.get("GOVHALL_SYNC_LONG") == "1")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def server_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """The demo hall migrated and loaded (make_database's content), copied for each test from a template made
    once per process: migrating and loading it took most of these tests' time, on PostgreSQL seconds each."""
    if request.param == "sqlite":
        shutil.copyfile(template_db(), tmp_path / "server.sqlite3")
        db = Database(f"sqlite:///{tmp_path / 'server.sqlite3'}")
        yield db
        db.dispose()
        return
    # pg_template (tests/fixtures/server.py) is made as make_database makes it: migrate, demo,
    # publish_all_halls
    with pg_copy(request.getfixturevalue("pg_template")) as db:
        yield db


def pytest_configure(config: pytest.Config) -> None:
    # --sync-long (declared in tests/conftest.py) and GOVHALL_SYNC_LONG=1 are the same switch; the Hypothesis
    # settings read the variable when their module is imported.
    if config.getoption("--sync-long", default=False):
        os.environ["GOVHALL_SYNC_LONG"] = "1"
