"""Every `queue.issue` counts its business's walk-ins of the day (the quota). The count must come from an index
covering it, not from reading every ticket row of the hall's day: that read grew with the day, to 26 ms per push
at 20,000 tickets (issue 19)."""

from __future__ import annotations

import datetime as dt

from server.queue import store
from server.store.database import Database


def test_the_quota_count_reads_only_a_covering_index(tmp_path) -> None:  # noqa: ANN001
    db = Database(f"sqlite:///{tmp_path / 'server.sqlite3'}")
    db.migrate()  # the migration's index, not only the model's
    try:
        with db.read_session() as session:
            conn = session.connection()
            compiled = store._WALK_INS.compile(dialect=conn.dialect)
            params = compiled.construct_params({"hall_id": 1, "business_id": 1, "day": dt.date(2026, 12, 7)})
            plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + str(compiled),
                                        tuple(params[k] for k in compiled.positiontup)).all()
            details = " ".join(row[-1] for row in plan)
            assert "COVERING INDEX ix_queue_ticket_quota" in details, details
    finally:
        db.dispose()


def test_the_printed_number_check_reads_only_the_numbers_of_the_push(tmp_path) -> None:  # noqa: ANN001
    """Which of a push's numbers are already printed: found through an index, not by reading every ticket the
    server ever issued (the rate of single-ticket pushes fell run after run with the table's size)."""
    from server.queue import issue_batch

    db = Database(f"sqlite:///{tmp_path / 'server.sqlite3'}")
    db.migrate()
    try:
        with db.read_session() as session:
            conn = session.connection()
            stmt = issue_batch._PRINTED.params(days=[dt.date(2026, 12, 7)], displays=["A001", "B002"])
            compiled = stmt.compile(dialect=conn.dialect,
                                    compile_kwargs={"render_postcompile": True, "literal_binds": True})
            plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + str(compiled)).all()
            details = " ".join(row[-1] for row in plan)
            assert "ix_queue_ticket_day_display" in details and "SCAN queue_ticket" not in details, details
    finally:
        db.dispose()
