"""A crowd of anonymous bookings through `POST /api/v1/queue/appointments` (the write route on the common
DbSession pattern): `python -m bench.crowd [--clients 200] [--each 5] [--db pg] [--timeout 60]`.

Starts the real server (bench.load_server) on a fresh demo database, raises the per-client allowance through
the admin API (bench.citizen.open_up: every client is 127.0.0.1), then `--clients` threads book at once, each
`--each` times with its own ID number. A request that gets no answer within `--timeout` counts as `timeout`:
the symptom of issue 19's deadlock, where every worker thread waited on a lock held by a finished request.
Last line: bookings_per_s=<n> ok=<n> timeouts=<n> busy=<n> other=<n> elapsed_s=<s>"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import requests

from bench.citizen import open_up, person, slots
from bench.day import WORKING_DAY
from bench.load_server import API, LoadServer


def client(base: str, n: int, each: int, offers: list, tally: Counter, lock: threading.Lock, timeout: float) -> None:
    s = requests.Session()
    for i in range(each):
        pid = n * each + i
        business, start = offers[pid % len(offers)]
        try:
            r = s.post(f"{base}{API}/queue/appointments", timeout=timeout,
                       json={"business_id": business, "slot_start": start, "id_number": person(pid + 1)})
            outcome = "ok" if r.status_code == 201 else "busy" if r.status_code == 503 else f"http_{r.status_code}"
        except requests.Timeout:
            outcome = "timeout"
        except requests.RequestException as exc:
            outcome = f"error:{type(exc).__name__}"
        with lock:
            tally[outcome] += 1


def run(kind: str, clients: int, each: int, timeout: float, day: dt.date = WORKING_DAY) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-crowd-") as tmp:
        srv = LoadServer(kind, Path(tmp), day)
        srv.start()
        try:
            open_up(srv)
            offers = slots(srv)
            tally: Counter = Counter()
            lock = threading.Lock()
            threads = [threading.Thread(target=client, args=(srv.base, n, each, offers, tally, lock, timeout))
                       for n in range(clients)]
            began = time.monotonic()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            elapsed = time.monotonic() - began
        finally:
            srv.close()
    return {"elapsed": elapsed, **tally}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.crowd", description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--each", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--db", choices=("sqlite", "pg"), default="sqlite")
    args = parser.parse_args(argv)
    out = run("postgresql" if args.db == "pg" else "sqlite", args.clients, args.each, args.timeout)
    ok, timeouts, busy = out.pop("ok", 0), out.pop("timeout", 0), out.pop("busy", 0)
    elapsed = out.pop("elapsed")
    print(f"bookings_per_s={ok / elapsed:.1f} ok={ok} timeouts={timeouts} busy={busy} "
          f"other={sum(out.values())} elapsed_s={elapsed:.1f} {dict(out) or ''}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
