"""What `bench.load`'s devices do over HTTP: dispensers issuing (one `queue.issue` per push, or in batches) and
counters calling — through the counter's own QueueDesk and SyncClient (the product's 顺呼: the server decides
online), or on bare HTTP deciding from their own pulled view and claiming (`queue.call`, the offline way), or
asking the server (`queue.call_next` sent by hand). Every device is a thread with its own connection
(keep-alive) or a new connection per request, like the Python `requests` clients of the earlier measurement."""

from __future__ import annotations

import datetime as dt
import math
import statistics
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import requests

from bench.day import at
from bench.load_server import API, Device, LoadServer
from client.services.queue_desk import QueueDesk
from shared.protocol.queue_rows import ticket_of
from shared.protocol.sync import cursors_param
from shared.queue.calling import choose_next
from shared.db.cache import open_cache
from shared.queue.config import Window
from shared.queue.errors import CallRefused
from shared.queue.fairness import FairnessState
from shared.queue.hall_rules import RULES_TABLE, rules_from_row
from shared.queue.tickets import Ticket
from shared.sync.client import SyncClient
from shared.sync.transport import HttpTransport

PREFIXES = "ABCDEF"
# Tickets for the calling run, spread so that windows 1-8 of the demo hall all have work (A is served by four).
CALL_MIX = "AAAADDBCCE"


@dataclass
class Figures:
    done: int = 0
    elapsed: float = 0.0
    latencies: list[float] = field(default_factory=list)
    lost: int = 0
    other: dict[str, int] = field(default_factory=dict)
    server_cpu: float = 0.0  # CPU seconds the server's processes spent during the run
    client_cpu: float = 0.0  # and this process (the simulated devices)

    def cpu_ms_per(self) -> tuple[float, float]:
        """(server, client) CPU milliseconds per operation: on a 2-core machine their sum bounds the rate."""
        return (self.server_cpu * 1000 / self.done, self.client_cpu * 1000 / self.done) if self.done else (0.0, 0.0)

    @property
    def rate(self) -> float:
        return self.done / self.elapsed if self.elapsed else 0.0

    @property
    def p95_ms(self) -> float:
        lat = sorted(self.latencies)
        return lat[max(0, math.ceil(len(lat) * 0.95) - 1)] * 1000 if lat else float("nan")


class Wire:
    """One device's HTTP: a requests.Session (keep-alive) or a fresh connection for every request."""

    def __init__(self, srv: LoadServer, dev: Device, keepalive: bool) -> None:
        self.srv, self.dev, self.seq = srv, dev, getattr(dev, "seq", 0)
        self.http = requests.Session() if keepalive else requests

    retries = 0  # 503 busy_retry answers, across all devices: retried as devices do (the push is idempotent)

    def post(self, path: str, body: dict) -> dict:
        for attempt in range(20):
            r = self.http.post(self.srv.base + API + path, json=body, headers=self.dev.headers, timeout=120)
            if r.status_code != 503:
                break
            Wire.retries += 1
            time.sleep(0.05 * (attempt + 1))
        if r.status_code != 200:
            raise RuntimeError(f"{path}: {r.status_code} {r.text[:300]}")
        return r.json()

    def get(self, path: str, params: dict) -> dict:
        r = self.http.get(self.srv.base + API + path, params=params, headers=self.dev.headers, timeout=120)
        if r.status_code != 200:
            raise RuntimeError(f"{path}: {r.status_code} {r.text[:300]}")
        return r.json()

    def command(self, name: str, args: dict) -> dict:
        self.seq += 1
        self.dev.seq = self.seq  # type: ignore[attr-defined]
        return {"seq": self.seq, "command_id": str(uuid.uuid4()), "name": name, "version": 1, "args": args,
                "base": None, "hlc": f"{int(self.srv.now().timestamp() * 1000):013d}-00000-{self.dev.id[:8]}"}

    def push(self, commands: list[dict]) -> list[dict]:
        return self.post("/sync/push", {"device": self.dev.id, "protocol_version": 1, "commands": commands})["results"]


def run_threads(work: list[Callable[[], None]], figures: Figures, srv: LoadServer) -> None:
    """Run each callable on its own thread, all released at once: the elapsed wall time of the slowest, and
    the CPU time of the server and of this process meanwhile, go into `figures`."""
    gate = threading.Barrier(len(work) + 1)
    errors: list[BaseException] = []

    def body(fn: Callable[[], None]) -> None:
        gate.wait()
        try:
            fn()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=body, args=(fn,), daemon=True) for fn in work]
    for t in threads:
        t.start()
    server_cpu, own_cpu = srv.cpu_seconds(), time.process_time()
    gate.wait()
    start = time.perf_counter()
    for t in threads:
        t.join()
    figures.elapsed = time.perf_counter() - start
    figures.server_cpu, figures.client_cpu = srv.cpu_seconds() - server_cpu, time.process_time() - own_cpu
    if errors:
        raise errors[0]


# -- issuing ---------------------------------------------------------------------------------------------------
def issue_commands(wire: Wire, srv: LoadServer, day: dt.date, prefixes: str, count: int) -> list[dict]:
    """`count` queue.issue commands of one dispenser for `day`, numbers from blocks leased now (not timed)."""
    wanted = {p: sum(1 for i in range(count) if prefixes[i % len(prefixes)] == p) for p in set(prefixes)}
    numbers: dict[str, list[tuple[int, int]]] = {p: [] for p in wanted}
    while any(len(numbers[p]) < n for p, n in wanted.items()):
        asks = [{"request_id": str(uuid.uuid4()), "series": "ticket", "prefix": p, "day": day.isoformat(),
                 "kind": "live", "size": min(200, n - len(numbers[p]))}
                for p, n in wanted.items() if len(numbers[p]) < n]
        body = wire.post("/sync/lease", {"device": wire.dev.id, "protocol_version": 1, "asks": asks})
        if body["refused"]:
            raise RuntimeError(f"lease refused: {body['refused']}")
        for b in body["blocks"]:
            numbers[b["prefix"]] += [(b["block_id"], n) for n in range(b["first"], b["last"] + 1)]
    base_ms = int(at(day, 9, 50).timestamp() * 1000)
    out = []
    for i in range(count):
        prefix = prefixes[i % len(prefixes)]
        block_id, number = numbers[prefix].pop(0)
        moment = base_ms + i
        cmd = wire.command("queue.issue", {
            "ticket_id": str(uuid.uuid4()), "business_id": srv.businesses[prefix], "display": f"{prefix}{number:03d}",
            "number": number, "block_id": block_id, "day": day.isoformat(), "channel": "dispenser",
            "issued_at": {"physical_ms": moment, "logical": 0, "device_id": wire.dev.id[:8],
                          "device_seq": wire.seq},
            "at": dt.datetime.fromtimestamp(moment / 1000, dt.timezone.utc).isoformat(), "print_state": "printed"})
        out.append(cmd)
    return out


def issue(srv: LoadServer, dispensers: list[Device], day: dt.date, ops: int, batch: int, keepalive: bool,
          prefixes: str = PREFIXES) -> Figures:
    """`ops` tickets issued by the dispensers together, `batch` commands per push; every one must be accepted."""
    figures = Figures()
    lock = threading.Lock()
    plans = []
    for dev in dispensers:
        wire = Wire(srv, dev, keepalive)
        cmds = issue_commands(wire, srv, day, prefixes, ops // len(dispensers))
        plans.append((wire, [cmds[i:i + batch] for i in range(0, len(cmds), batch)]))

    def dispenser(wire: Wire, pushes: list[list[dict]]) -> None:
        for commands in pushes:
            start = time.perf_counter()
            results = wire.push(commands)
            took = time.perf_counter() - start
            refused = [r for r in results if r["status"] != "accepted"]
            if refused:
                raise RuntimeError(f"issue refused: {refused[0]}")
            with lock:
                figures.done += len(results)
                figures.latencies.append(took)

    run_threads([lambda w=w, p=p: dispenser(w, p) for w, p in plans], figures, srv)
    return figures


# -- calling ---------------------------------------------------------------------------------------------------
class CounterView:
    """A counter's pulled view of today's tickets (parsed once per changed row) and the hall's calling rules."""

    def __init__(self, wire: Wire, day: dt.date) -> None:
        self.wire, self.day = wire, day.isoformat()
        self.cursors: dict[str, int] = {}
        self.tickets: dict[str, Ticket] = {}
        self.rules_row: dict | None = None

    def pull(self) -> None:
        while True:
            body = self.wire.get("/sync/pull", {"cursors": cursors_param(self.cursors), "limit": 5000})
            for ch in body["changes"]:
                if ch["table"] == "queue_ticket" and ch["row"] and str(ch["row"].get("day")) == self.day:
                    self.tickets[ch["pk"]] = ticket_of(ch["row"])
                elif ch["table"] == RULES_TABLE and ch["row"]:
                    self.rules_row = ch["row"]
            self.cursors.update(body["cursors"])
            if not body["has_more"]:
                return


def _serve(wire: Wire, window: Window, ticket_id: str | None, srv: LoadServer) -> list[dict]:
    """The citizen of the last call is served and done (sent with the next call, in the same push)."""
    if ticket_id is None:
        return []
    args = {"ticket_id": ticket_id, "window_id": window.id, "at": srv.now().isoformat()}
    return [wire.command("queue.start", args), wire.command("queue.finish", args)]


def _close(wire: Wire, window: Window, ticket_id: str | None, srv: LoadServer) -> None:
    """The window's last citizen is served: the window is free for the next run."""
    if ticket_id is not None:
        wire.push(_serve(wire, window, ticket_id, srv))


def call_from_view(srv: LoadServer, wire: Wire, window: Window, day: dt.date, figures: Figures,
                   lock: threading.Lock) -> None:
    """The offline way, online: pull, choose the head of the own view by the shared rule, claim it."""
    view, fairness, current = CounterView(wire, day), FairnessState(), None
    while True:
        view.pull()
        now = srv.now()
        decision = choose_next(window, view.tickets.values(), now, fairness,
                               rules_from_row(view.rules_row).calling)
        if decision is None:
            _close(wire, window, current, srv)
            return
        commands = _serve(wire, window, current, srv)
        commands.append(wire.command("queue.call", {
            "call_id": str(uuid.uuid4()), "ticket_id": decision.ticket.id, "window_id": window.id, "mode": "next",
            "at": now.isoformat(), "reasons": [r.to_dict() for r in decision.reasons][:10]}))
        start = time.perf_counter()
        results = wire.push(commands)
        result, took = results[-1], time.perf_counter() - start
        with lock:
            figures.latencies.append(took)
            if result["status"] == "accepted":
                figures.done += 1
                current, fairness = decision.ticket.id, decision.fairness_after
            elif result["code"] == "ticket_claimed_elsewhere":
                figures.lost += 1
                current = None
            else:
                figures.other[result["code"]] = figures.other.get(result["code"], 0) + 1
                _close(wire, window, current, srv)
                return


def call_on_server(srv: LoadServer, wire: Wire, window: Window, day: dt.date, figures: Figures,
                   lock: threading.Lock) -> None:
    """The online way: ask the server to call the next ticket for this window (it decides from its own state)."""
    current = None
    while True:
        commands = _serve(wire, window, current, srv)
        commands.append(wire.command("queue.call_next", {
            "call_id": str(uuid.uuid4()), "window_id": window.id, "at": srv.now().isoformat()}))
        start = time.perf_counter()
        result = wire.push(commands)[-1]
        took = time.perf_counter() - start
        with lock:
            figures.latencies.append(took)
            if result["status"] == "accepted":
                figures.done += 1
                current = result["result"]["ticket_id"]
                continue
            if result["code"] != "no_ticket_waiting":
                figures.other[result["code"]] = figures.other.get(result["code"], 0) + 1
            return  # the last push finished the window's citizen: it is free for the next run


def call(srv: LoadServer, counters: list[tuple[Device, Window]], day: dt.date, keepalive: bool,
         on_server: bool) -> Figures:
    """Every counter calls until nobody it may call is waiting."""
    figures, lock = Figures(), threading.Lock()
    how = call_on_server if on_server else call_from_view
    wires = [(Wire(srv, dev, keepalive), window) for dev, window in counters]
    run_threads([lambda w=w, win=win: how(srv, w, win, day, figures, lock) for w, win in wires], figures, srv)
    return figures


# -- calling through the counter's own code ----------------------------------------------------------------------
def counter_desk(srv: LoadServer, dev: Device, window: Window, cache: Path) -> QueueDesk:
    """A counter workstation as the product runs it: its cache, its sync client over HTTP (keep-alive, as
    HttpTransport always is) with the clerk's staff token, and the calling desk of its window — synced once
    (not timed), so it holds the hall's rules and today's queue as it stood."""
    client = SyncClient(open_cache(cache, immediate=True), device_id=dev.id, token=dev.token,
                        transport=HttpTransport(srv.base), staff_token=dev.staff)
    client.sync_once()
    return QueueDesk(client, window, "clerk", srv.now, srv.hall_id)


def call_with_desk(desk: QueueDesk, figures: Figures, lock: threading.Lock) -> None:
    """顺呼 through QueueDesk.call_next, as the calling panel runs it: online the server decides and its answer's
    rows are overlaid; a call the server did not answer in time is decided from the cache (counted as
    `fallback`). The previous citizen's 开始办理 and 办结 are queued first and go up in the same push. No
    sync loop runs: only the desk's own pushes reach the server, and the cache is never pulled."""
    current = False
    while True:
        if current:
            try:
                desk.start()
                desk.finish()
            except CallRefused:  # a fallback call lost to another window: nobody came to this one
                pass
        start = time.perf_counter()
        try:
            desk.call_next()
        except CallRefused as refused:
            with lock:
                if refused.code != "no_ticket_waiting":
                    figures.other[refused.code] = figures.other.get(refused.code, 0) + 1
            desk.sync.push()  # the last citizen's finish: the window is free for the next run
            return
        took = time.perf_counter() - start
        with lock:
            figures.latencies.append(took)
            figures.done += 1
            if not desk.sync.online:
                figures.other["fallback"] = figures.other.get("fallback", 0) + 1
        if not desk.sync.online:
            desk.sync.sync_once()  # back online for the next call (a fallback's claim goes up here)
        current = True


def call_through_desks(srv: LoadServer, desks: list[QueueDesk]) -> Figures:
    """Every counter calls through its desk until nobody it may call is waiting; lost claims are the local
    (fallback) calls the server refused as claimed elsewhere."""
    figures, lock = Figures(), threading.Lock()
    run_threads([lambda d=d: call_with_desk(d, figures, lock) for d in desks], figures, srv)
    for d in desks:
        d.sync.push()
        for r in d.sync.rejected():
            if r.code == "ticket_claimed_elsewhere":
                figures.lost += 1
            elif r.name != "queue.call_next" or r.code != "call_next_stale":
                figures.other[r.code] = figures.other.get(r.code, 0) + 1
    return figures


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")
