"""The archive job's queries and rows on PostgreSQL (the rest of the archive is tested on SQLite:
tests/approval_server/test_archive.py)."""

from __future__ import annotations

import pytest

from server.archive.assemble import verify_archive
from server.archive.domain import JOB, storage_of
from server.archive.models import CaseArchive
from tests.approval_server.support import finish_licence_case


def test_archive_job_on_postgresql(desks, client, app, clock, database, settings) -> None:  # noqa: ANN001
    if database.engine.dialect.name == "sqlite":
        pytest.skip("PostgreSQL only")
    case_id = finish_licence_case(desks, client)
    clock.advance(minutes=2)
    assert app.state.scheduler.run_due(clock()).get(JOB) == 1
    clock.advance(minutes=2)
    assert app.state.scheduler.run_due(clock()).get(JOB) == 0
    with database.session() as s:
        row = s.get(CaseArchive, case_id)
        assert row.archive_no == "DG-HALL-1-2026-000001"
        assert verify_archive(storage_of(settings), row).ok
