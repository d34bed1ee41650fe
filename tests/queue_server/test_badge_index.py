"""Every call and every 开始办理 asks for the window's badge as last published: the latest change-log entry of
one key. It must be one probe of the key index, not a backward read of the hall's change log until the key
turns up: that read grew with every change of the day, to 30 % of the server's CPU in bench.load's calling
run (issue 19)."""

from __future__ import annotations

from server.queue import badges
from tests.queue_server.query_plans import sqlite_plan


def test_the_latest_badge_is_one_probe_of_the_key_index(tmp_path) -> None:  # noqa: ANN001
    details = sqlite_plan(tmp_path, badges._LATEST, scope="hall:1", pk="3")
    assert "ix_change_log_key (scope=? AND tbl=? AND pk=?)" in details, details
    assert "TEMP B-TREE" not in details, details  # the index gives the order too: no sort
