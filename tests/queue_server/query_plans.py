"""SQLite's plan for a statement the server runs on every push or call, on a freshly migrated database (the
migrations' indexes, not only the models')."""

from __future__ import annotations

from pathlib import Path

from server.store.database import Database


def sqlite_plan(tmp_path: Path, statement, **values) -> str:  # noqa: ANN001 - a Select with its bind values
    """EXPLAIN QUERY PLAN of `statement` with `values` bound, its steps joined into one line."""
    db = Database(f"sqlite:///{tmp_path / 'server.sqlite3'}")
    db.migrate()
    try:
        with db.read_session() as session:
            conn = session.connection()
            compiled = statement.params(**values).compile(
                dialect=conn.dialect, compile_kwargs={"render_postcompile": True, "literal_binds": True})
            return " ".join(row[-1] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + str(compiled)).all())
    finally:
        db.dispose()
