"""Every call and every 开始办理 asks for the window's badge as last published: the latest change-log entry of
one key. It must be one probe of the key index, not a backward read of the hall's change log until the key
turns up: that read grew with every change of the day, to 30 % of the server's CPU in bench.load's calling
run (issue 19)."""

from __future__ import annotations

from server.queue import badges
from server.store.database import Database


def test_the_latest_badge_is_one_probe_of_the_key_index(tmp_path) -> None:  # noqa: ANN001
    db = Database(f"sqlite:///{tmp_path / 'server.sqlite3'}")
    db.migrate()  # the migration's index, not only the model's
    try:
        with db.read_session() as session:
            conn = session.connection()
            compiled = badges._LATEST.compile(dialect=conn.dialect)
            params = compiled.construct_params({"scope": "hall:1", "pk": "3"})
            plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + str(compiled),
                                        tuple(params[k] for k in compiled.positiontup)).all()
            details = " ".join(row[-1] for row in plan)
            assert "ix_change_log_key (scope=? AND tbl=? AND pk=?)" in details, details
            assert "TEMP B-TREE" not in details, details  # the index gives the order too: no sort
    finally:
        db.dispose()
