"""Restore drill for a PostgreSQL server database: a backup is only as good as its last restore.

    python -m installers.restore_drill [--database-url URL] [--dump FILE] [--keep]

Dumps the database (`pg_dump --format=custom`, or takes the dump given with --dump), restores it into a scratch
database next to it (`pg_restore`), and checks the copy: every table of the source is there, the copy is at
the same migration as the source, and each hall's change log ends at or before its cursor (devices would
resume from it). Prints each table's rows in source and copy, then drops the scratch database (kept with
--keep, for a look). The URL defaults to GOVHALL_DATABASE_URL. Exit status 0 when the copy is whole."""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, inspect, make_url, text


def libpq(url: str, database: str | None = None) -> str:
    parsed = make_url(url).set(drivername="postgresql")
    return (parsed.set(database=database) if database else parsed).render_as_string(hide_password=False)


def counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            names = inspect(conn).get_table_names()
            return {n: conn.execute(text(f'SELECT count(*) FROM "{n}"')).scalar() for n in sorted(names)}
    finally:
        engine.dispose()


def revision_and_cursors(url: str) -> tuple[str | None, list[tuple[int, int, int]]]:
    """The alembic revision, and per hall (id, cursor, highest change-log seq)."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            halls = conn.execute(text("SELECT c.hall_id, c.value, coalesce(max(l.seq), 0) FROM sync_counter c "
                                      "LEFT JOIN change_log l ON l.hall_id = c.hall_id GROUP BY c.hall_id, c.value "
                                      "ORDER BY c.hall_id")).all()
            return revision, [tuple(h) for h in halls]
    finally:
        engine.dispose()


def drill(url: str, dump: Path | None, keep: bool) -> list[str]:
    """Run the drill; returns the problems found (empty: the copy is whole)."""
    source = make_url(url)
    scratch = f"{source.database}_drill_{secrets.token_hex(4)}"
    with tempfile.TemporaryDirectory(prefix="govhall-drill-") as tmp:
        if dump is None:
            dump = Path(tmp) / "server.dump"
            started = time.monotonic()
            subprocess.run(["pg_dump", "--format=custom", "--file", str(dump), libpq(url)], check=True)
            print(f"dumped {source.database}: {dump.stat().st_size / 2**20:.1f} MiB in "
                  f"{time.monotonic() - started:.1f} s")
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{scratch}"'))
        try:
            started = time.monotonic()
            subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", "--dbname", libpq(url, scratch),
                            str(dump)], check=True)
            print(f"restored into {scratch} in {time.monotonic() - started:.1f} s")
            copy_url = source.set(database=scratch).render_as_string(hide_password=False)
            return compare(url, copy_url)
        finally:
            if keep:
                print(f"kept the scratch database {scratch}")
            else:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)'))
            admin.dispose()


def compare(url: str, copy_url: str) -> list[str]:
    problems = []
    have, got = counts(url), counts(copy_url)
    for name in sorted(set(have) | set(got)):
        print(f"  {name:32} source {have.get(name, '-'):>8} copy {got.get(name, '-'):>8}")
    problems += [f"table {n} missing from the copy" for n in sorted(set(have) - set(got))]
    if problems:
        return problems
    (source_rev, _), (copy_rev, halls) = revision_and_cursors(url), revision_and_cursors(copy_url)
    if copy_rev != source_rev:
        problems.append(f"copy at migration {copy_rev}, source at {source_rev}")
    problems += [f"hall {h}: change log reaches {seq}, past its cursor {cursor}" for h, cursor, seq in halls
                 if seq > cursor]
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m installers.restore_drill", description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("GOVHALL_DATABASE_URL", ""))
    parser.add_argument("--dump", type=Path, help="restore this pg_dump --format=custom file instead of dumping now")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args(argv)
    if not args.database_url.startswith("postgresql"):
        print("restore drill: give a PostgreSQL --database-url (or GOVHALL_DATABASE_URL)", file=sys.stderr)
        return 2
    problems = drill(args.database_url, args.dump, args.keep)
    for problem in problems:
        print(f"PROBLEM: {problem}")
    print("restore drill: " + ("the copy is whole" if not problems else f"{len(problems)} problem(s)"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
