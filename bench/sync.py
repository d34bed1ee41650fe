"""Hall sync benchmarks: `python -m bench.sync [--db sqlite|postgresql]`. Prints figures (not a timed test),
ending with one line: push=<commands/s> pull=<rows/s> catchup10k=<s> event_p50=<ms> event_p95=<ms> waiting=<n>.

It starts the real server (uvicorn, one process) on loopback, then measures: push throughput (batches of 100,
over HTTP), pull-apply into a client SQLite (rows/s), catch-up of a client that queued 10,000 commands
offline, event latency from one device's write to another's completed pull, and the server's memory with
2,000 devices waiting on events."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests
from sqlalchemy import create_engine, select, text

from bench.day import WORKING_DAY, add_day_argument, at
from server.store.database import Database
from server.sync.devices import register_device
from shared.db.cache import open_cache
from shared.db.engine import make_engine
from shared.db.models import Hall
from shared.demo.loader import load_demo
from shared.protocol.sync import PROTOCOL_VERSION
from shared.sync.client import SyncClient
from shared.sync.transport import HttpTransport
from tests.clock import faked_clock_env

ROOT = Path(__file__).resolve().parents[1]
PG_URL = os.environ.get("GOVHALL_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


class Bench:
    def __init__(self, kind: str, work: Path, day: dt.date | None = WORKING_DAY, *,
                 factory: str = "server.main:create_app", env: dict[str, str] | None = None) -> None:
        """`day`: the server child lives on that simulated day (libfaketime); None when the factory keeps a
        simulated clock of its own (bench.kiosk)."""
        self.kind, self.work, self.day, self.factory, self.env = kind, work, day, factory, env or {}
        self.schema = f"bench_{secrets.token_hex(4)}" if kind == "postgresql" else None
        if kind == "sqlite":
            self.url = f"sqlite:///{work / 'server.sqlite3'}"
            self.db = Database(self.url)
        else:
            with create_engine(PG_URL, isolation_level="AUTOCOMMIT").connect() as conn:
                conn.execute(text(f"CREATE SCHEMA {self.schema}"))
            self.url = f"{PG_URL}?options=-csearch_path%3D{self.schema}"
            self.db = Database(self.url, engine=make_engine(self.url))
        self.db.migrate()
        with self.db.session() as s:
            load_demo(s, password_iterations=1000)
            self.hall_id = s.scalars(select(Hall.id).where(Hall.code == "DG-HALL-1")).one()
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.server: subprocess.Popen | None = None

    def device(self, kind: str = "workstation") -> tuple[str, str]:
        with self.db.session() as s:
            dev, token = register_device(s, kind=kind, name="bench", hall_id=self.hall_id)
            return dev.id, token

    def client(self, name: str, device: tuple[str, str], **kw) -> SyncClient:
        engine = open_cache(self.work / f"{name}.sqlite3", immediate=True)
        return SyncClient(engine, device_id=device[0], token=device[1], transport=HttpTransport(self.base), **kw)

    def start(self) -> None:
        env = {**os.environ, "GOVHALL_DATABASE_URL": self.url, "GOVHALL_DATA_DIR": str(self.work),
               "GOVHALL_DEMO_MODE": "1", **self.env}  # the demo hall and its published passwords
        if self.day is not None:
            # The server child lives on the simulated day (its scheduler's sweeps depend on the hour), not today.
            env = faked_clock_env(at(self.day, 10), base=env)
        self.server = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", self.factory, "--host", "127.0.0.1",
             "--port", str(self.port), "--no-access-log", "--log-level", "warning", "--backlog", "4096"],
            cwd=ROOT, env=env)
        for _ in range(200):
            try:
                if requests.get(self.base + "/healthz", timeout=1).ok:
                    return
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError("server did not start")

    def stop_server(self) -> None:
        """The server goes away (a pulled cable, as the devices see it); start() brings it back."""
        if self.server is not None:
            self.server.terminate()
            self.server.wait(timeout=30)
            self.server = None

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.server.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def close(self) -> None:
        self.stop_server()
        self.db.dispose()
        if self.schema:
            with create_engine(PG_URL, isolation_level="AUTOCOMMIT").connect() as conn:
                conn.execute(text(f"DROP SCHEMA {self.schema} CASCADE"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fact_command(seq: int, day: dt.date = WORKING_DAY) -> dict:
    """A fact command stamped on `day` at 10:00 China time (+seq ms), not from the wall clock."""
    physical_ms = int(at(day, 10).timestamp() * 1000) + seq
    return {"seq": seq, "command_id": str(uuid.uuid4()), "name": "fact.record", "version": 1,
            "args": {"fact_id": str(uuid.uuid4()), "kind": "call", "body": {"n": seq, "window": 3}},
            "base": None, "hlc": f"{physical_ms:013d}-00000-bench"}


def bench_push(b: Bench, batches: int = 100) -> float:
    device_id, token = b.device()
    session = requests.Session()
    headers = {"Authorization": f"Bearer {token}"}
    payloads = [{"device": device_id, "protocol_version": PROTOCOL_VERSION,
                 "commands": [fact_command(i * 100 + j + 1, b.day) for j in range(100)]} for i in range(batches)]
    start = time.perf_counter()
    for body in payloads:
        r = session.post(b.base + "/api/v1/sync/push", json=body, headers=headers, timeout=30)
        assert r.status_code == 200 and all(x["status"] == "accepted" for x in r.json()["results"]), r.text[:300]
    elapsed = time.perf_counter() - start
    rate = batches * 100 / elapsed
    print(f"push: {batches * 100} commands in {elapsed:.2f} s = {rate:,.0f} commands/s (batches of 100, HTTP)")
    return rate


def bench_pull(b: Bench, runs: int = 3) -> float:
    """Median of `runs` fresh clients pulling everything pushed so far (pages of 5,000)."""
    rates = []
    for i in range(runs):
        client = b.client(f"puller{i}", b.device(), pull_limit=5000, timeout=60)
        start = time.perf_counter()
        rows = client.pull()
        elapsed = time.perf_counter() - start
        rates.append(rows / elapsed)
        print(f"pull: {rows} rows into a fresh client SQLite in {elapsed:.2f} s = {rates[-1]:,.0f} rows/s "
              f"(HTTP + apply)")
        client.engine.dispose()
    return statistics.median(rates)


def bench_catchup(b: Bench, commands: int = 10_000) -> float:
    client = b.client("offline", b.device(), pull_limit=5000, timeout=60)
    client.pull()  # start from an up-to-date cache, then go offline
    for i in range(commands):  # queued while offline (not timed): one transaction per command
        fid = str(uuid.uuid4())
        client.submit("fact.record", 1, {"fact_id": fid, "kind": "call", "body": {"n": i}},
                      effects=[("sync_fact", fid, {"id": fid})])
    start = time.perf_counter()
    client.sync_once()
    elapsed = time.perf_counter() - start
    status = client.status()
    assert status.pending == 0 and not status.rejected
    print(f"catch-up: {commands} offline commands pushed, confirmed and pulled back in {elapsed:.2f} s")
    client.engine.dispose()
    return elapsed


def bench_events(b: Bench, samples: int = 100) -> tuple[float, float]:
    reader = b.client("reader", b.device(), timeout=30)
    writer_dev = b.device()
    reader.pull()
    seen: dict[str, float] = {}
    stop = threading.Event()
    since = max(reader.cursors().values(), default=0)

    def listen() -> None:
        nonlocal since
        while not stop.is_set():
            r = reader.call("GET", "/events", params={"since": since, "timeout": 5}, timeout=10)
            if r.body.get("changed"):
                since = r.body["seq"]
                reader.pull()
                now = time.perf_counter()
                for fid in reader.confirmed("sync_fact"):
                    seen.setdefault(fid, now)

    thread = threading.Thread(target=listen, daemon=True)
    thread.start()
    session, latencies = requests.Session(), []
    headers = {"Authorization": f"Bearer {writer_dev[1]}"}
    time.sleep(0.3)
    for seq in range(1, samples + 1):
        cmd = fact_command(seq, b.day)
        fid = cmd["args"]["fact_id"]
        start = time.perf_counter()
        r = session.post(b.base + "/api/v1/sync/push", headers=headers, timeout=10,
                         json={"device": writer_dev[0], "protocol_version": PROTOCOL_VERSION, "commands": [cmd]})
        assert r.status_code == 200
        while fid not in seen and time.perf_counter() - start < 5:
            time.sleep(0.0005)
        latencies.append((seen.get(fid, time.perf_counter()) - start) * 1000)
        time.sleep(0.01)
    stop.set()
    latencies.sort()
    p50, p95 = statistics.median(latencies), latencies[int(len(latencies) * 0.95) - 1]
    print(f"events: write -> other device's completed pull over {samples} samples: p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    return p50, p95


async def _wait_one(port: int, token: str, since: int, timeout: float) -> bool:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write((f"GET /api/v1/sync/events?since={since}&timeout={timeout} HTTP/1.1\r\nHost: bench\r\n"
                  f"Authorization: Bearer {token}\r\nConnection: close\r\n\r\n").encode())
    await writer.drain()
    data = await reader.read()
    writer.close()
    return data.startswith(b"HTTP/1.1 200")


def bench_waiting(b: Bench, devices: int = 2000) -> tuple[int, float]:
    tokens = []
    with b.db.session() as s:
        for _ in range(devices):
            tokens.append(register_device(s, kind="display", name="bench display", hall_id=b.hall_id)[1])
    since = 10**9  # nothing will pass it: every device waits for the full timeout
    before = b.rss_mb()
    peak = [before]

    async def run() -> list[bool]:
        tasks = [asyncio.create_task(_wait_one(b.port, t, since, 15)) for t in tokens]
        await asyncio.sleep(8)
        peak.append(b.rss_mb())
        return await asyncio.gather(*tasks, return_exceptions=True)

    start = time.perf_counter()
    results = asyncio.run(run())
    ok = sum(1 for r in results if r is True)
    print(f"waiting: {ok}/{devices} devices held a long-poll for 15 s (total {time.perf_counter() - start:.1f} s); "
          f"server RSS {before:.0f} MB idle, {max(peak):.0f} MB with them waiting")
    return ok, max(peak)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sync", description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    add_day_argument(parser, what="the day the server child lives on and the commands are stamped")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="govhall-bench-") as tmp:
        b = Bench(args.db, Path(tmp), args.day)
        try:
            b.start()
            print(f"database: {args.db}; server pid {b.server.pid}; cpus {os.cpu_count()}")
            push = bench_push(b)
            pull = bench_pull(b)
            catchup = bench_catchup(b)
            p50, p95 = bench_events(b)
            waiting, _ = bench_waiting(b)
        finally:
            b.close()
    print(f"push={push:.0f} pull={pull:.0f} catchup10k={catchup:.2f} event_p50={p50:.1f} event_p95={p95:.1f} "
          f"waiting={waiting}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
