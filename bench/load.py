"""Load benchmark: `python -m bench.load [--db sqlite|pg] [--workers N]`. Prints figures (not a timed test),
ending with one line:

    issue_1=<ops/s> issue_8=<ops/s> call_8=<calls/s> lost_claims=<n> dup=<n> double=<n> rss_mb=<MiB>

It starts a real server (`python -m server serve`, N uvicorn workers) on a fresh demo database, provisions
dispensers and counter workstations through its API (admin and clerk logins), and drives it over HTTP from
threads with Python `requests` — a new connection per request, and again with keep-alive:
- issue_1 / issue_8: `--ops` tickets, one `queue.issue` per push, from 1 and from 8 dispensers;
- batches: the same from 8 dispensers with `--batch` commands per push;
- call_8: 8 counters call `--calls` tickets through the counter's own 顺呼 (`--call-mode desk`, the default:
  QueueDesk.call_next over a SyncClient and a cache per counter, the server deciding online); `server` sends
  `queue.call_next` by hand on bare HTTP; `view` measures the offline way online: pull, pick the head of the
  own view, claim it with `queue.call` (`both`: view, then server) — lost claims are the refusals "claimed
  elsewhere";
- dup / double: numbers printed twice and tickets called twice, counted from the server's own rows;
- rss_mb: resident memory of the server process(es) at the end.
Median of `--reps` repetitions for the rates. `--staff` runs the staff-load mode instead (bench.load_staff),
`--hall` a hall's devices woken by its traffic (bench.load_hall)."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

from bench.day import add_day_argument
from bench.load_drive import CALL_MIX, Figures, Wire, call, call_through_desks, counter_desk, issue, median
from bench.load_server import LoadServer
from client.services.reference import load_reference


def _say(what: str, f: Figures, unit: str = "ops/s") -> None:
    extra = f" lost={f.lost}" if f.lost else ""
    extra += f" other={f.other}" if f.other else ""
    server_ms, client_ms = f.cpu_ms_per()
    print(f"{what}: {f.done} in {f.elapsed:.2f} s = {f.rate:,.1f} {unit}, push p95 {f.p95_ms:.0f} ms, CPU per op "
          f"server {server_ms:.2f} ms + devices {client_ms:.2f} ms{extra}", flush=True)


def run_issue(srv: LoadServer, args: argparse.Namespace, devices: int, batch: int, keepalive: bool,
              days: list[int]) -> float:
    dispensers = [srv.register("dispenser", name=f"dispenser {i + 1}") for i in range(devices)]
    rates = []
    for rep in range(args.reps):
        days[0] += 1  # a fresh series day per run: numbers stay inside A001-A999
        f = issue(srv, dispensers, srv.day + dt.timedelta(days=days[0]), args.ops, batch, keepalive)
        _say(f"issue {devices} device(s), {batch}/push, {'keep-alive' if keepalive else 'new connections'}"
             f" (run {rep + 1})", f)
        rates.append(f.rate)
    return median(rates)


def run_calls(srv: LoadServer, args: argparse.Namespace, mode: str, keepalive: bool = True) -> Figures:
    """Issue `--calls` tickets for today (not timed), then 8 counters call them all: `desk` through the
    counter's own code (QueueDesk, SyncClient, a cache each), `server` and `view` on bare HTTP."""
    dispenser = srv.register("dispenser", name="dispenser for calls")
    issue(srv, [dispenser], srv.day, args.calls, 50, True, prefixes=CALL_MIX)
    windows = load_reference(srv.db.engine).windows
    by_number = {w.number: w for w in windows.values()}
    counters = [(srv.workstation(n), by_number[n]) for n in range(1, args.windows + 1)]
    if mode == "desk":
        caches = srv.work / f"counters-{len(list(srv.work.glob('counters-*')))}"
        desks = [counter_desk(srv, dev, window, caches / f"window{window.number}.sqlite3") for dev, window in counters]
        f = call_through_desks(srv, desks)
        what = "the counter's 顺呼 (QueueDesk.call_next: the server decides online)"
    else:
        f = call(srv, counters, srv.day, keepalive, mode == "server")
        what = "server decides (queue.call_next by hand)" if mode == "server" else "own view (queue.call)"
    _say(f"call {args.windows} windows, {what}, {'keep-alive' if keepalive else 'new connections'}", f, "calls/s")
    return f


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "pg"), default="sqlite")
    parser.add_argument("--workers", type=int, default=1, help="server processes (uvicorn workers)")
    parser.add_argument("--ops", type=int, default=2000, help="tickets per issuing run")
    parser.add_argument("--reps", type=int, default=3, help="repetitions of each issuing run (median)")
    parser.add_argument("--batch", type=int, default=50, help="commands per push in the batched run")
    parser.add_argument("--calls", type=int, default=2000, help="tickets the counters call")
    parser.add_argument("--windows", type=int, default=8, choices=range(1, 11), metavar="1-10")
    parser.add_argument("--call-mode", choices=("desk", "server", "view", "both"), default="desk")
    parser.add_argument("--calls-only", action="store_true", help="skip the issuing runs (call_8 alone)")
    parser.add_argument("--keepalive-only", action="store_true", help="skip the new-connection runs")
    parser.add_argument("--staff", action="store_true", help="staff-load mode (see bench/README.md)")
    parser.add_argument("--hall", action="store_true", help="a hall's devices woken by its traffic (bench.load_hall)")
    add_day_argument(parser, what="the working day the server lives on")
    args, rest = parser.parse_known_args(argv)
    if args.staff:
        from bench.load_staff import main as staff_main
        return staff_main(args, rest)
    if args.hall:
        from bench.load_hall import main as hall_main
        return hall_main(args, rest)
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    with tempfile.TemporaryDirectory(prefix="govhall-load-") as tmp:
        srv = LoadServer("postgresql" if args.db == "pg" else "sqlite", Path(tmp), args.day, args.workers)
        try:
            srv.start()
            load = os.getloadavg()
            print(f"database: {args.db}; workers {args.workers}; cpus {os.cpu_count()}; load average "
                  f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; idle server RSS {srv.rss_mb():.0f} MiB", flush=True)
            days = [0]
            modes = [True] if args.keepalive_only else [False, True]
            issue_1 = issue_8 = 0.0
            for keepalive in [] if args.calls_only else modes:  # the last line reports the first mode run
                one = run_issue(srv, args, 1, 1, keepalive, days)
                eight = run_issue(srv, args, 8, 1, keepalive, days)
                if not issue_1:
                    issue_1, issue_8 = one, eight
            if not args.calls_only:
                run_issue(srv, args, 8, args.batch, True, days)
            if args.call_mode == "both":
                run_calls(srv, args, "view")
            calls = run_calls(srv, args, "server" if args.call_mode == "both" else args.call_mode)
            dup, double = srv.counts()
            rss = srv.rss_mb()
            load = os.getloadavg()
            print(f"503 busy answers retried: {Wire.retries}", flush=True)
            print(f"load average at the end {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}", flush=True)
        finally:
            srv.close()
    print(f"issue_1={issue_1:.1f} issue_8={issue_8:.1f} call_8={calls.rate:.1f} lost_claims={calls.lost} "
          f"dup={dup} double={double} rss_mb={rss:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
