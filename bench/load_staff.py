"""Staff load: `python -m bench.load --staff [--sessions 400] [--waiting 2000] [--duration 60] [--think 2.0]`.

Staff sessions (each a workstation provisioned and logged in through the API: clerks and approvers in turn)
work for `--duration` seconds — their to-do list, a case search, a catalogue search and an action (a
one-command push from their workstation), each followed by a think time (exponential, mean `--think` s) —
while `--waiting` hall devices hold the events long-poll (re-polling at once when it times out). All of it
from one asyncio loop (httpx for the staff, raw sockets for the waiting devices). Prints p50/p95/p99 per
request kind, errors, and the server's memory with everyone connected. Scale it down with the flags on a
small machine: the client side shares the CPU with the server."""

from __future__ import annotations

import argparse
import asyncio
import math
import multiprocessing
import os
import random
import ssl
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from bench.load_server import API, Device, LoadServer, cpu_ticks

reasons: dict[str, int] = {}  # error answers by status and text, printed at the end
retried = [0]  # requests sent again after the server closed their kept-alive connection
KINDS = ("worklist", "case_search", "catalogue_search", "action")
SEARCHES = ("张", "李", "电梯", "许可", "DG", "2026")
# One TLS context for every session's client: httpx builds (and loads the CA bundle into) one per client, even
# for plain http, about 30 ms of this process's loop each; 400 of them stalled every session for seconds.
TLS = ssl.create_default_context()


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(len(ordered) * p) - 1)] * 1000 if ordered else float("nan")


class Staff:
    """One staff session: its workstation, its staff token, its latencies per kind."""

    def __init__(self, srv: LoadServer, dev: Device, user: str, seed: int) -> None:
        self.srv, self.dev, self.user = srv, dev, user
        self.rand = random.Random(seed)
        self.seq = 0
        self.outbox: dict | None = None  # the action not yet answered 200: sent again, as a workstation would

    async def request(self, http: httpx.AsyncClient, kind: str) -> httpx.Response:
        staff = {"Authorization": f"Bearer {self.dev.staff}"}
        if kind == "worklist":
            return await http.get(API + "/worklists/todo", headers=staff)
        if kind == "case_search":
            return await http.post(API + "/cases/search", headers=staff,  # names go in the body, never the URL
                                   json={"name": self.rand.choice(SEARCHES), "limit": 50})
        if kind == "catalogue_search":
            return await http.get(API + "/catalogue/items", params={"q": self.rand.choice(SEARCHES)})
        if self.outbox is None:
            self.seq += 1
            ms = int(self.srv.now().timestamp() * 1000)
            self.outbox = {"seq": self.seq, "command_id": str(uuid.uuid4()), "name": "fact.record", "version": 1,
                           "args": {"fact_id": str(uuid.uuid4()), "kind": "note", "body": {"by": self.user}},
                           "base": None, "hlc": f"{ms:013d}-00000-{self.dev.id[:8]}"}
        r = await http.post(API + "/sync/push", headers=self.dev.headers,
                            json={"device": self.dev.id, "protocol_version": 1, "commands": [self.outbox]})
        if r.status_code == 200:
            self.outbox = None
        return r

    async def work(self, until: float, think: float, out: dict[str, list[float]], errors: dict[str, int],
                   timeline: list[tuple[float, float]]) -> None:
        async with httpx.AsyncClient(base_url=self.srv.base, timeout=60, verify=TLS) as http:
            await asyncio.sleep(self.rand.uniform(0, think))  # sessions do not all start in step
            while time.monotonic() < until:
                kind = self.rand.choice(KINDS)
                start = time.perf_counter()
                try:
                    try:
                        r = await self.request(http, kind)
                    except (httpx.RemoteProtocolError, httpx.ReadError):
                        # The server closed the kept-alive connection as the request went out (its idle
                        # timeout, 5 s, met a think time): a client sends it again on a new connection.
                        retried[0] += 1
                        r = await self.request(http, kind)
                    why = "" if r.status_code == 200 else f"{r.status_code} {r.text[:80]}"
                except httpx.HTTPError as exc:
                    why = type(exc).__name__
                took = time.perf_counter() - start
                if not why:
                    out[kind].append(took)
                    timeline.append((start, took))
                else:
                    errors[kind] = errors.get(kind, 0) + 1
                    reasons[why] = reasons.get(why, 0) + 1
                await asyncio.sleep(self.rand.expovariate(1 / think) if think > 0 else 0)


async def _wait_loop(port: int, token: str, until: Callable[[], float], timeout: float, tally: dict[str, int],
                     once: bool = False) -> None:
    """A hall device holding the events long-poll, re-polling whenever it times out, until `until()` (a
    CLOCK_MONOTONIC time, the same in every process; `once`: one poll)."""
    while once or time.monotonic() < until():
        once = False
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write((f"GET {API}/sync/events?since=1000000000&timeout={timeout} HTTP/1.1\r\nHost: bench\r\n"
                          f"Authorization: Bearer {token}\r\nConnection: close\r\n\r\n").encode())
            await writer.drain()
            data = await asyncio.wait_for(reader.read(), timeout + 30)
            writer.close()
            tally["ok" if data.startswith(b"HTTP/1.1 200") else "failed"] += 1
        except (OSError, TimeoutError):
            tally["failed"] += 1
            await asyncio.sleep(1)


class _Devices:
    """The waiting devices, in a process of their own, as in a hall they are 2,000 machines: on the staff's
    loop, 2,000 answers and re-polls at once delayed the staff's requests on the bench's side too (up to 6 s
    after each round, as the server's)."""

    def __init__(self, tokens: list[str], port: int, poll: float) -> None:
        fork = multiprocessing.get_context("fork")
        self.until = fork.Value("d", time.monotonic() + 3600)  # set once the staff's time is known
        self._answer, sending = fork.Pipe(duplex=False)
        self._process = fork.Process(target=_devices_main, args=(tokens, port, self.until, poll, sending),
                                     daemon=True)
        self._process.start()
        sending.close()

    def cpu_seconds(self) -> float:
        return cpu_ticks(self._process.pid) / os.sysconf("SC_CLK_TCK")

    def result(self, grace: float) -> dict[str, int]:
        """Their tally once all have stopped (a poll unanswered `grace` s after the end counts unfinished)."""
        self._process.join(grace + 10)
        if self._process.is_alive() or not self._answer.poll():
            self._process.kill()
            return {"ok": 0, "failed": 0, "unfinished": 1}
        return self._answer.recv()


async def _settled(srv: LoadServer, quiet: float = 0.25, most: float = 60.0) -> None:
    """Once the server has taken in the devices' first polls (its CPU under `quiet` of a core for half a
    second; at most `most` s): 2,000 first polls take it seconds, and staff starting meanwhile would measure
    that start-up, not a hall at work."""
    end = time.monotonic() + most
    await asyncio.sleep(1.0)
    while time.monotonic() < end:
        before = srv.cpu_seconds()
        await asyncio.sleep(0.5)
        if srv.cpu_seconds() - before < quiet * 0.5:
            return


def _devices_main(tokens: list[str], port: int, until, poll: float, answer) -> None:  # noqa: ANN001
    async def run() -> dict[str, int]:
        tally = {"ok": 0, "failed": 0}
        tasks = [asyncio.create_task(_wait_loop(port, token, lambda: until.value, poll, tally))
                 for token in tokens]
        while time.monotonic() < until.value:
            await asyncio.sleep(0.5)
        _, late = await asyncio.wait(tasks, timeout=poll + 35)
        for task in late:
            task.cancel()
        return {**tally, "unfinished": len(late)}
    answer.send(asyncio.run(run()))


def _provision(srv: LoadServer, sessions: int, waiting: int) -> tuple[list[Staff], list[Device]]:
    users = ("clerk", "approver")
    with ThreadPoolExecutor(8) as pool:
        staff = list(pool.map(lambda i: Staff(srv, srv.workstation(None, users[i % 2]), users[i % 2], i),
                              range(sessions)))
        displays = list(pool.map(lambda i: srv.register("display", name=f"display {i}"), range(waiting)))
    return staff, displays


def main(args: argparse.Namespace, rest: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load --staff")
    parser.add_argument("--sessions", type=int, default=400)
    parser.add_argument("--waiting", type=int, default=2000)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--think", type=float, default=2.0, help="mean think time between requests (s)")
    parser.add_argument("--poll", type=float, default=25.0, help="the waiting devices' long-poll timeout (s)")
    parser.add_argument("--cost", type=int, default=0, metavar="N",
                        help="instead: the server's CPU per request of each kind, N requests one at a time")
    own = parser.parse_args(rest)
    if own.cost:
        return _cost(args, own.cost)
    with tempfile.TemporaryDirectory(prefix="govhall-staff-") as tmp:
        srv = LoadServer("postgresql" if args.db == "pg" else "sqlite", Path(tmp), args.day, args.workers)
        try:
            srv.start()
            idle = srv.rss_mb()
            start = time.perf_counter()
            staff, displays = _provision(srv, own.sessions, own.waiting)
            print(f"database: {args.db}; workers {args.workers}; cpus {os.cpu_count()}; provisioned {len(staff)} "
                  f"staff workstations and {len(displays)} displays through the API in "
                  f"{time.perf_counter() - start:.1f} s; idle server RSS {idle:.0f} MiB", flush=True)
            latencies: dict[str, list[float]] = {k: [] for k in KINDS}
            timeline: list[tuple[float, float]] = []  # (perf_counter at the request, its latency), every kind
            began = [0.0]
            errors: dict[str, int] = {}
            tally = {"ok": 0, "failed": 0, "unfinished": 0}
            peak = [0.0]
            cpu: list[float] = []  # server's and bench's share of a core, server CPU s per staff request

            async def run() -> None:
                devices = _Devices([d.token for d in displays], srv.port, own.poll)
                await _settled(srv)  # the devices are waiting before staff start
                until = devices.until.value = time.monotonic() + own.duration
                began[0] = time.perf_counter()
                tasks = [asyncio.create_task(s.work(until, own.think, latencies, errors, timeline))
                         for s in staff]
                start = (time.monotonic(), srv.cpu_seconds(), time.process_time() + devices.cpu_seconds())
                while time.monotonic() < until:
                    await asyncio.sleep(2)
                    peak[0] = max(peak[0], srv.rss_mb())
                took, served = time.monotonic() - start[0], sum(map(len, latencies.values()))
                cpu[:] = [(srv.cpu_seconds() - start[1]) / took,
                          (time.process_time() + devices.cpu_seconds() - start[2]) / took,
                          (srv.cpu_seconds() - start[1]) / max(1, served)]
                done, late = await asyncio.wait(tasks, timeout=own.poll + 35)
                for task in late:  # a request still unanswered long after the end: counted, not waited for
                    task.cancel()
                tally.update(await asyncio.to_thread(devices.result, own.poll + 35))
                tally["unfinished"] += len(late)

            asyncio.run(run())
            load = os.getloadavg()
            for line, n in srv.server_errors().items():
                print(f"server log: {n}× {line}")
            print(f"CPU while the staff worked: server {cpu[0]:.0%} of a core, the bench (staff and devices) "
                  f"{cpu[1]:.0%}; server {cpu[2] * 1000:.2f} ms per staff request (the waiting devices' polls "
                  "included)")
            _report_timeline(timeline, began[0])
            _report(latencies, errors, tally, peak[0], load)
        finally:
            srv.close()
    return 0


def _report_timeline(timeline: list[tuple[float, float]], began: float, step: int = 3) -> None:
    """p50/p95 of the requests begun in each `step` seconds of the run: a p95 over the whole run does not say
    whether it comes from a steady queue or from a few bad seconds (a round of long-polls timing out together,
    the staff's first requests on cold caches)."""
    windows: dict[int, list[float]] = {}
    for at, took in timeline:
        windows.setdefault(int((at - began) // step) * step, []).append(took)
    cells = [f"{t:>2}s {statistics.median(v) * 1000:.0f}/{_pct(v, .95):.0f}"
             for t, v in sorted(windows.items())]
    print(f"latency by {step} s of the run, p50/p95 ms (every kind):")
    for i in range(0, len(cells), 6):
        print("  " + "  ".join(cells[i:i + 6]))


def _report(latencies: dict[str, list[float]], errors: dict[str, int], tally: dict[str, int], peak: float,
            load: tuple[float, float, float]) -> None:
    summary = []
    for kind in KINDS:
        lat = latencies[kind]
        p50 = statistics.median(lat) * 1000 if lat else float("nan")
        print(f"{kind}: {len(lat)} requests, {errors.get(kind, 0)} errors; p50 {p50:.0f} ms, p95 {_pct(lat, .95):.0f} ms,"
              f" p99 {_pct(lat, .99):.0f} ms")
        summary.append(f"{kind}_p95={_pct(lat, .95):.0f}")
    print(f"waiting devices: {tally['ok']} long-polls answered, {tally['failed']} failed; {tally['unfinished']} "
          f"devices or sessions still waiting for an answer at the end; server RSS peak "
          f"{peak:.0f} MiB; load average at the end {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    if retried[0]:
        print(f"sent again after the server closed a kept-alive connection under them: {retried[0]}")
    if reasons:
        print("errors by answer: " + "; ".join(f"{n}× {why}" for why, n in sorted(reasons.items(), key=lambda x: -x[1])[:5]))
    print(" ".join(summary) + f" errors={sum(errors.values())} waiting_failed={tally['failed']} rss_mb={peak:.0f}",
          flush=True)


def _cost(args: argparse.Namespace, n: int) -> int:
    """The server's CPU time per request of each kind (and per long-poll answered at once), one request at a
    time on a kept-alive connection, from the kernel's counters: what a request costs with no queue in front of
    it. Stabler than the latencies on a machine whose speed varies, so the figure to compare code by."""
    with tempfile.TemporaryDirectory(prefix="govhall-staff-") as tmp:
        srv = LoadServer("postgresql" if args.db == "pg" else "sqlite", Path(tmp), args.day, args.workers)
        try:
            srv.start()
            staff, display = Staff(srv, srv.workstation(None, "approver"), "approver", 1), srv.register("display")

            async def poll(_http: httpx.AsyncClient, _kind: str) -> httpx.Response:
                tally = {"ok": 0, "failed": 0}
                await _wait_loop(srv.port, display.token, lambda: 0.0, 0, tally, once=True)
                return httpx.Response(200 if tally["ok"] else 500)

            async def run() -> dict[str, float]:
                out = {}
                async with httpx.AsyncClient(base_url=srv.base, timeout=60, verify=TLS) as http:
                    for kind, send in [*((k, staff.request) for k in KINDS), ("poll", poll)]:
                        for _ in range(20):  # warm: the first request builds the app's route tables
                            r = await send(http, kind)
                            assert r.status_code == 200, (kind, r.status_code, r.text[:200])
                        before = srv.cpu_seconds()
                        for _ in range(n):
                            await send(http, kind)
                        out[kind] = (srv.cpu_seconds() - before) / n * 1000
                return out

            costs = asyncio.run(run())
        finally:
            srv.close()
    print(f"database: {args.db}; workers {args.workers}; cpus {os.cpu_count()}; {n} requests of each kind, one at a "
          f"time; server CPU per request:")
    print(" ".join(f"{kind}_ms={ms:.2f}" for kind, ms in costs.items()), flush=True)
    return 0
