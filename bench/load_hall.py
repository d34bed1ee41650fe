"""A hall's devices woken by its traffic: `python -m bench.load --hall [--devices 60] [--rate 10] [--duration 30]`.

Every change in a hall wakes every device of it: each answers its events long-poll, pulls the page and polls
again, as the product's sync loop does (shared/sync/loop.py: the events thread wakes the cycle, which pulls).
Here `--devices` devices of the demo hall — displays, and per window an evaluator and a clerk's workstation, in
turn — are provisioned through the API and run that loop on kept-alive connections, from a process of their
own (raw asyncio streams: the bench's side must cost little next to the server's), while one dispenser issues
`--rate` tickets a second, one per push. Prints the server's share of a core and its CPU per issued ticket (its
wake-ups included) and per woken pull, and how long after a ticket's push was answered each device had pulled
it (p50/p95/p99 over every device and ticket). Last line:

    hall_devices=<n> rate=<tickets/s> server_core=<share> ticket_ms=<ms> pull_ms=<ms> seen_p50=<ms>
    seen_p95=<ms> missed=<n>

`missed`: tickets some device had not pulled when the run ended (counted per device and ticket)."""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from bench.load_drive import Wire, issue_commands
from bench.load_server import API, LoadServer, cpu_ticks
from bench.load_staff import _pct
from shared.protocol.sync import cursors_param


class _Conn:
    """One kept-alive HTTP/1.1 connection speaking just enough of it: GET, answers with Content-Length."""

    def __init__(self, port: int, headers: dict[str, str]) -> None:
        self.port = port
        self.head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        try:
            self.writer.write(f"GET {path} HTTP/1.1\r\nHost: bench\r\n{self.head}\r\n".encode())
            status_line, *lines = (await self.reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
            length = next(int(v) for k, _, v in (line.partition(":") for line in lines)
                          if k.lower() == "content-length")
            return int(status_line.split()[1]), await self.reader.readexactly(length)
        except (OSError, asyncio.IncompleteReadError, StopIteration):
            self.writer.close()
            self.writer = None
            raise ConnectionError(path) from None


async def _device(port: int, spec: dict, until: float, poll: float, seen: dict[str, float],
                  tally: dict[str, int]) -> None:
    """One device's sync loop: long-poll the events; when the hall moved, pull until the last page."""
    events, pulls = _Conn(port, spec["headers"]), _Conn(port, spec["headers"])
    since, cursors = spec["since"], spec["cursors"]
    while time.monotonic() < until:
        try:
            status, body = await events.get(f"{API}/sync/events?since={since}&timeout={poll}")
            tally["events"] += 1
            if status != 200:
                raise ConnectionError(status)
            answer = json.loads(body)
            if not (answer["changed"] or answer["seq"] > since):
                continue
            since = answer["seq"]
            while True:
                status, body = await pulls.get(f"{API}/sync/pull?cursors={cursors_param(cursors)}")
                if status != 200:
                    raise ConnectionError(status)
                tally["pulls"] += 1
                page, now = json.loads(body), time.monotonic()
                for change in page["changes"]:
                    if change["table"] == "queue_ticket":
                        seen.setdefault(change["pk"], now)
                cursors = page["cursors"]
                if not page["has_more"]:
                    break
        except ConnectionError:
            tally["failed"] += 1
            await asyncio.sleep(0.5)


def _devices_main(port: int, specs: list[dict], until, poll: float, started, answer) -> None:  # noqa: ANN001
    async def run() -> tuple[list[dict[str, float]], dict[str, int]]:
        seen: list[dict[str, float]] = [{} for _ in specs]
        tally = {"events": 0, "pulls": 0, "failed": 0}
        tasks = [asyncio.create_task(_device(port, spec, until.value, poll, mine, tally))
                 for spec, mine in zip(specs, seen)]
        started.set()
        while time.monotonic() < until.value:
            await asyncio.sleep(0.2)
        await asyncio.sleep(1.0)  # the last tickets' pulls
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        return seen, tally
    answer.send(asyncio.run(run()))


def _provision(srv: LoadServer, count: int) -> list[dict]:
    """`count` devices in turn: a display, then an evaluator and a clerk's workstation at the next window. Each
    starts caught up (pulled to its last page), as a device that has run since the morning."""
    windows = sorted(srv.windows)

    def one(i: int) -> dict:
        kind, window = ("display", None) if i % 3 == 0 else \
            ("evaluator" if i % 3 == 1 else "workstation", windows[(i // 3) % len(windows)])
        dev = srv.workstation(window) if kind == "workstation" else srv.register(kind, window, name=f"{kind} {i}")
        cursors: dict[str, int] = {}
        while True:
            r = requests.get(srv.base + API + "/sync/pull", headers=dev.headers, timeout=60,
                             params={"cursors": cursors_param(cursors), "limit": 5000})
            r.raise_for_status()
            page = r.json()
            cursors = page["cursors"]
            if not page["has_more"]:
                break
        return {"kind": kind, "headers": dev.headers, "cursors": cursors, "since": max(cursors.values())}

    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(one, range(count)))


def main(args: argparse.Namespace, rest: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load --hall")
    parser.add_argument("--devices", type=int, default=60)
    parser.add_argument("--rate", type=float, default=10.0, help="tickets issued per second")
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--poll", type=float, default=25.0, help="the devices' long-poll timeout (s)")
    own = parser.parse_args(rest)
    count = int(own.rate * own.duration)
    with tempfile.TemporaryDirectory(prefix="govhall-hall-") as tmp:
        srv = LoadServer("postgresql" if args.db == "pg" else "sqlite", Path(tmp), args.day, args.workers)
        try:
            srv.start()
            specs = _provision(srv, own.devices)
            wire = Wire(srv, srv.register("dispenser", name="dispenser"), keepalive=True)
            commands = issue_commands(wire, srv, srv.day, "A", count)
            fork = multiprocessing.get_context("fork")
            until, started = fork.Value("d", time.monotonic() + 3600), fork.Event()
            receiving, sending = fork.Pipe(duplex=False)
            devices = fork.Process(target=_devices_main, args=(srv.port, specs, until, own.poll, started, sending),
                                   daemon=True)
            devices.start()
            sending.close()
            started.wait(60)
            time.sleep(1.0)  # every device holds its long-poll
            answered: dict[str, float] = {}
            start = (time.monotonic(), srv.cpu_seconds(), cpu_ticks(devices.pid))
            until.value = start[0] + own.duration + 0.5
            for i, command in enumerate(commands):  # paced: the i-th ticket at i / rate s
                time.sleep(max(0.0, start[0] + i / own.rate - time.monotonic()))
                result = wire.push([command])[0]
                if result["status"] != "accepted":
                    raise RuntimeError(f"issue refused: {result}")
                answered[command["args"]["ticket_id"]] = time.monotonic()
            took, server_cpu = time.monotonic() - start[0], srv.cpu_seconds() - start[1]
            bench_cpu = (cpu_ticks(devices.pid) - start[2]) / os.sysconf("SC_CLK_TCK")
            seen, tally = receiving.recv()
            devices.join(10)
        finally:
            srv.close()
    delays = [per[t] - at for per in seen for t, at in answered.items() if t in per]
    missed = sum(1 for per in seen for t in answered if t not in per)
    kinds = {k: sum(1 for s in specs if s["kind"] == k) for k in ("display", "evaluator", "workstation")}
    print(f"database: {args.db}; workers {args.workers}; cpus {os.cpu_count()}; {len(specs)} devices "
          f"({', '.join(f'{n} {k}s' for k, n in kinds.items())}); {len(answered)} tickets in {took:.1f} s")
    print(f"server: {server_cpu / took:.0%} of a core, {server_cpu * 1000 / len(answered):.2f} ms of CPU per ticket "
          f"(its push and every wake-up it caused), {server_cpu * 1000 / max(1, tally['pulls']):.2f} ms per pull; "
          f"{tally['pulls'] / took:.0f} pulls/s, {tally['events'] / took:.0f} events answered/s, "
          f"{tally['failed']} failed; devices' process {bench_cpu / took:.0%} of a core")
    print(f"seen by every device: p50 {_pct(delays, .5):.0f} ms, p95 {_pct(delays, .95):.0f} ms, "
          f"p99 {_pct(delays, .99):.0f} ms after the push was answered; {missed} (device, ticket) pairs missed")
    print(f"hall_devices={len(specs)} rate={len(answered) / took:.1f} server_core={server_cpu / took:.2f} "
          f"ticket_ms={server_cpu * 1000 / len(answered):.2f} pull_ms={server_cpu * 1000 / max(1, tally['pulls']):.2f} "
          f"seen_p50={_pct(delays, .5):.0f} seen_p95={_pct(delays, .95):.0f} missed={missed}", flush=True)
    return 0
