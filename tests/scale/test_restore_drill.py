"""The restore drill (installers/restore_drill.py) on a real PostgreSQL: a whole dump passes; a dump that is
not the database's (here: of an empty one) is caught."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from installers.restore_drill import libpq, main
from tests.pg import pg_database

pytestmark = pytest.mark.pg


def test_a_fresh_dump_restores_whole(pg_template: str, capsys: pytest.CaptureFixture) -> None:
    with pg_database(template=pg_template) as engine:
        assert main(["--database-url", engine.url.render_as_string(hide_password=False)]) == 0
    out = capsys.readouterr().out
    assert "restore drill: the copy is whole" in out
    assert "queue_ticket" in out and "change_log" in out


def test_a_dump_of_something_else_is_caught(pg_template: str, tmp_path: Path,
                                           capsys: pytest.CaptureFixture) -> None:
    dump = tmp_path / "wrong.dump"
    with pg_database() as empty:
        subprocess.run(["pg_dump", "--format=custom", "--file", str(dump),
                        libpq(empty.url.render_as_string(hide_password=False))], check=True)
    with pg_database(template=pg_template) as engine:
        assert main(["--database-url", engine.url.render_as_string(hide_password=False), "--dump", str(dump)]) == 1
    assert "PROBLEM: table queue_ticket missing from the copy" in capsys.readouterr().out
