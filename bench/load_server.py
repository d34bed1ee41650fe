"""The server under load for `bench.load`: `python -m server serve [--workers N]` in its own process(es) on a
fresh demo database (SQLite file or a throw-away PostgreSQL schema), living on a simulated working day, and
the devices and staff it serves provisioned through its real API."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests
from sqlalchemy import select, text

from bench.day import at
from bench.sync import ROOT, Bench
from shared.db.models import Business, Window
from tests.clock import faked_clock_env

PASSWORD = "GovHall@2026"
API = "/api/v1"
# A hall's server runs with its personal-data keys (case search, tickets by ID card need them): bench values.
PII_KEYS = {"GOVHALL_PII_KEYS": f"b1:{'3a' * 16}", "GOVHALL_PII_INDEX_KEY": "5c" * 32}


@dataclass
class Device:
    id: str
    token: str
    window_id: int | None = None
    staff: str | None = None
    seq: int = 0  # the device's last command seq

    @property
    def headers(self) -> dict[str, str]:
        h = {"Authorization": f"Bearer {self.token}"}
        if self.staff:
            h["X-Staff-Token"] = self.staff
        return h


class LoadServer(Bench):
    """`kind` "sqlite" or "postgresql"; `workers` uvicorn worker processes (1: the plain single process)."""

    def __init__(self, kind: str, work: Path, day: dt.date, workers: int = 1) -> None:
        super().__init__(kind, work, day, env=dict(PII_KEYS))
        self.workers = workers
        self.started_at = 0.0
        self.admin_token = ""
        with self.db.session() as s:
            self.windows = {w.number: w.id for w in s.scalars(select(Window).where(Window.hall_id == self.hall_id))}
            self.businesses = {b.prefix: b.id for b in s.scalars(select(Business).where(Business.hall_id == self.hall_id))}

    def start(self) -> None:
        env = {**os.environ, "GOVHALL_DATABASE_URL": self.url, "GOVHALL_DATA_DIR": str(self.work),
               "PYTHONPATH": str(ROOT), "GOVHALL_DEMO_MODE": "1", **self.env}  # the demo hall's passwords
        env = faked_clock_env(at(self.day, 10), base=env)
        cmd = [sys.executable, "-m", "server", "serve", "--host", "127.0.0.1", "--port", str(self.port),
               "--no-access-log", "--workers", str(self.workers)]
        self.server = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                       stderr=open(self.work / "server.log", "ab"))
        self.started_at = time.monotonic()
        for _ in range(600):
            try:
                if requests.get(self.base + "/healthz", timeout=1).ok:
                    break
            except requests.RequestException:
                time.sleep(0.1)
        else:
            raise RuntimeError("server did not start; see " + str(self.work / "server.log"))
        if self.workers > 1:  # every worker answers before the clock starts
            time.sleep(1.0)
        self.admin_token = self.login("admin")

    def server_errors(self) -> dict[str, int]:
        """The exceptions the server logged (its stderr), by their last line: what a 500 answer hid."""
        found: dict[str, int] = {}
        log = self.work / "server.log"
        lines = log.read_text(errors="replace").splitlines() if log.exists() else []
        for i, line in enumerate(lines):
            if line.startswith("Traceback"):
                end = next((j for j in range(i + 1, len(lines)) if lines[j] and not lines[j][0].isspace()), None)
                if end is not None:
                    found[lines[end][:160]] = found.get(lines[end][:160], 0) + 1
        return found

    def stop_server(self) -> None:
        """Stop the server; a graceful stop waits for open long-polls, so after 10 s it is killed."""
        if self.server is not None:
            self.server.terminate()
            try:
                self.server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                for pid in _children(self.server.pid):
                    try:
                        os.kill(pid, 9)
                    except OSError:
                        pass
                self.server.kill()
                self.server.wait(timeout=30)
            self.server = None

    def now(self) -> dt.datetime:
        """The server's simulated clock, as seen from here (it started at 10:00 when the process did)."""
        return at(self.day, 10) + dt.timedelta(seconds=time.monotonic() - self.started_at)

    def rss_mb(self) -> float:
        """Resident memory of the server process and all its worker processes."""
        pids = [self.server.pid, *_children(self.server.pid)]
        return sum(_rss_kb(p) for p in pids) / 1024

    def cpu_seconds(self) -> float:
        """CPU time (user and system) of the server process and its live workers so far."""
        return sum(cpu_ticks(p) for p in [self.server.pid, *_children(self.server.pid)]) / os.sysconf("SC_CLK_TCK")

    # -- provisioning through the API -------------------------------------------------------------------
    def login(self, username: str, device_id: str | None = None) -> str:
        r = requests.post(self.base + API + "/auth/login", timeout=30,
                          json={"username": username, "password": PASSWORD, "device_id": device_id})
        r.raise_for_status()
        return r.json()["token"]

    def register(self, kind: str, window_number: int | None = None, name: str = "load") -> Device:
        window_id = self.windows.get(window_number) if window_number is not None else None
        r = requests.post(self.base + API + "/sync/devices", timeout=30,
                          headers={"Authorization": f"Bearer {self.admin_token}"},
                          json={"kind": kind, "name": name, "hall_id": self.hall_id, "window_id": window_id})
        r.raise_for_status()
        body = r.json()
        device = Device(body["device_id"], body["token"], window_id)
        # The registration may answer before its transaction is visible to the next request (seen on
        # PostgreSQL under load): wait until the token works, as a freshly provisioned device would retry.
        for _ in range(100):
            if requests.get(self.base + API + "/sync/pull", params={"limit": 1}, headers=device.headers,
                            timeout=30).status_code != 401:
                break
            time.sleep(0.05)
        return device

    def workstation(self, window_number: int | None, user: str = "clerk") -> Device:
        dev = self.register("workstation", window_number, name=f"window {window_number}")
        dev.staff = self.login(user, dev.id)
        return dev

    # -- what the server's rows say -------------------------------------------------------------------------
    def counts(self) -> tuple[int, int]:
        """(duplicate numbers, double calls): numbers printed twice in one series and day, and accepted calls
        of a ticket beyond its first."""
        with self.db.read_session() as s:
            dup = s.execute(text(
                "SELECT COALESCE(SUM(n - 1), 0) FROM (SELECT COUNT(*) AS n FROM queue_ticket WHERE number IS NOT NULL "
                "GROUP BY hall_id, series_prefix, day, number HAVING COUNT(*) > 1) d")).scalar_one()
            double = s.execute(text(
                "SELECT COALESCE(SUM(n - 1), 0) FROM (SELECT COUNT(*) AS n FROM queue_call WHERE accepted "
                "AND kind = 'call' GROUP BY ticket_id HAVING COUNT(*) > 1) d")).scalar_one()
        return int(dup), int(double)


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return out + [g for c in out for g in _children(c)]


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_ticks(pid: int) -> int:
    try:  # utime and stime, fields 14 and 15 of /proc/<pid>/stat (counted after the command's closing paren)
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        return int(fields[11]) + int(fields[12])
    except (OSError, IndexError, ValueError):
        return 0
