"""`python -m server serve --workers N` on PostgreSQL: N worker processes each build the app and answer, while the
process watching them never loads the database layer (SQLAlchemy, psycopg: about 40 MiB it would keep idle)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import requests

from tests.live import free_port
from tests.pg import pg_database
from tests.scale.test_two_processes import start_server, wait_healthy

pytestmark = pytest.mark.pg


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def _loads(pid: int, library: str) -> bool:
    return f"/{library}/" in Path(f"/proc/{pid}/maps").read_text()


def test_two_workers_answer_and_their_supervisor_stays_small(pg_template: str, tmp_path: Path) -> None:
    with pg_database(template=pg_template) as engine:
        port = free_port()
        proc = start_server(engine.url.render_as_string(hide_password=False), port, tmp_path, workers=2)
        try:
            wait_healthy(proc, port)
            workers = [c for c in _children(proc.pid) if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]
            assert len(workers) == 2
            # What the probe looks for is there to find, once both have built their app (one may answer first).
            deadline = time.monotonic() + 60
            while not all(_loads(w, "sqlalchemy") and _loads(w, "psycopg_binary") for w in workers):
                assert time.monotonic() < deadline, "a worker never loaded the database layer"
                time.sleep(0.1)
            assert not _loads(proc.pid, "sqlalchemy") and not _loads(proc.pid, "psycopg_binary")
            answers = [requests.get(f"http://127.0.0.1:{port}/healthz", timeout=10) for _ in range(4)]
            assert [a.status_code for a in answers] == [200] * 4
        finally:
            proc.terminate()
            proc.wait(15)
