"""Every `queue.issue` counts its business's walk-ins of the day (the quota). The count must come from an index
covering it, not from reading every ticket row of the hall's day: that read grew with the day, to 26 ms per push
at 20,000 tickets (issue 19)."""

from __future__ import annotations

import datetime as dt

from server.queue import issue_batch, store
from tests.queue_server.query_plans import sqlite_plan


def test_the_quota_count_reads_only_a_covering_index(tmp_path) -> None:  # noqa: ANN001
    details = sqlite_plan(tmp_path, store._WALK_INS, hall_id=1, business_id=1, day=dt.date(2026, 12, 7))
    assert "COVERING INDEX ix_queue_ticket_quota" in details, details


def test_the_printed_number_check_reads_only_the_numbers_of_the_push(tmp_path) -> None:  # noqa: ANN001
    """Which of a push's numbers are already printed: found through an index, not by reading every ticket the
    server ever issued (the rate of single-ticket pushes fell run after run with the table's size)."""
    details = sqlite_plan(tmp_path, issue_batch._PRINTED, days=[dt.date(2026, 12, 7)], displays=["A001", "B002"])
    assert "ix_queue_ticket_day_display" in details and "SCAN queue_ticket" not in details, details
