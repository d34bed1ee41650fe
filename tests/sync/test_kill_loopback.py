"""The real server and two client processes on loopback: one client is killed with SIGKILL mid-sync and
restarted; when both are done, every invariant of the in-process harness must still hold."""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
import requests

from server.store.database import Database
from shared.db.cache import open_cache
from shared.sync.client import SyncClient
from shared.sync.transport import HttpTransport
from tests.clock import faked_clock_env
from tests.sync.harness.invariants import check_all
from tests.sync.harness.world import SimDevice, template_db
from tests.sync.support import FakeClock, demo_hall, new_device

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


COMMANDS = 500


def wait_until_queued(path: Path, count: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    """Until the client process has queued `count` commands; if it exits or stalls first, fail with what it and
    its syncs said (its stderr: "sync failed: <code>" per failed cycle)."""
    deadline, queued = time.monotonic() + timeout, 0
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1) as conn:
                queued = conn.execute("SELECT count(*) FROM sync_outbox").fetchone()[0]
                if queued >= count:
                    return
        except sqlite3.Error:
            pass  # not created or not migrated yet
        time.sleep(0.02)
    if proc.poll() is None:
        proc.kill()
    _, err = proc.communicate(timeout=30)
    raise AssertionError(f"{path.name} queued {queued} of {count} commands in {timeout} s (exit {proc.returncode}): "
                         f"{err.decode(errors='replace')[-2000:]}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db_file: Path, port: int, at: dt.datetime | None = None) -> subprocess.Popen:
    """`python -m server serve` as a child; `at` pins its clock (libfaketime, tests.clock) from that moment."""
    env = {**os.environ, "GOVHALL_DATABASE_URL": f"sqlite:///{db_file}", "GOVHALL_DATA_DIR": str(db_file.parent)}
    if at is not None:
        env = faked_clock_env(at, base=env)
    proc = subprocess.Popen([sys.executable, "-m", "server", "serve", "--host", "127.0.0.1", "--port", str(port)],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60  # a loaded CI machine may take this long to start a Python server
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).ok:
                return proc
        except requests.RequestException:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"server did not start: {proc.stderr.read().decode()[-2000:]}")


def start_client(dev: SimDevice, url: str, day: str, commands: int, issue: bool) -> subprocess.Popen:
    # "--token=…" in one word: a URL-safe token may begin with "-", which argparse would take for an option.
    cmd = [sys.executable, "-m", "tests.sync.harness.proc_client", "--db", str(dev.path), "--url", url,
           "--device", dev.device_id, f"--token={dev.token}", "--day", day, "--commands", str(commands)]
    return subprocess.Popen(cmd + (["--issue"] if issue else []), cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


def test_a_client_killed_mid_sync_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    db_file = tmp_path / "server.sqlite3"
    shutil.copy(template_db(), db_file)
    db = Database(f"sqlite:///{db_file}")
    hall_id, windows = demo_hall(db)
    devices = []
    for i, kind in enumerate(("dispenser", "workstation")):
        device_id, token = new_device(db, kind, hall_id, windows[i])
        devices.append(SimDevice(f"p{i}", kind, device_id, token, tmp_path / f"client{i}.sqlite3", 0))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    moment = FakeClock().now  # any day will do: it names the number series; the server child lives on it too
    server = start_server(db_file, port, at=moment)
    day = moment.date().isoformat()
    try:
        procs = [start_client(d, url, day, COMMANDS, issue=True) for d in devices]
        victim = devices[0]
        # Kill once a random part of its work is queued: mid-run, whatever statement it is at.
        wait_until_queued(victim.path, random.Random(7).randint(100, 250), procs[0])
        assert procs[0].poll() is None, "the victim finished before it could be killed; raise COMMANDS"
        procs[0].send_signal(signal.SIGKILL)
        procs[0].wait()
        victim.crashes += 1
        procs[0] = start_client(victim, url, day, COMMANDS, issue=True)
        for proc in procs:
            out, err = proc.communicate(timeout=180)
            assert proc.returncode == 0 and b"DONE" in out, err.decode()[-2000:]
        for dev in devices:
            engine = open_cache(dev.path, immediate=True)
            dev.client = SyncClient(engine, device_id=dev.device_id, token=dev.token, transport=HttpTransport(url))

        def quiesce() -> int:
            for rounds in range(1, 6):
                for dev in devices:
                    dev.client.sync_once()
                if all(d.client.status().pending == 0 for d in devices):
                    return rounds
            raise AssertionError("not quiet")

        world = SimpleNamespace(db=db, devices=devices, hall_id=hall_id, quiesce=quiesce,
                                net=SimpleNamespace(counts={}))
        stats = check_all(world)
        assert stats["crashes"] == 1
        assert all(len(d.client.rows("sync_fact")) >= 200 for d in devices)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
        for dev in devices:
            if dev.client is not None:
                dev.client.engine.dispose()
        db.dispose()
