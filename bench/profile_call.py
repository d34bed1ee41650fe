"""The cost of one 顺呼: `python -m bench.profile_call [--calls 400] [--rounds 3]`. Prints figures (not a timed test).

One counter as the product runs it (bench.load_drive.counter_desk: QueueDesk over a SyncClient and its own
cache, HTTP keep-alive) calls `--calls` tickets one after another against a real server process on a fresh demo
SQLite database (bench.load_server.LoadServer): 顺呼, 开始办理, 办结, and so on, the previous citizen's two
commands going up with the next call's push, as `bench.load` drives it. It reports the CPU time per call of
the counter (this process) and of the server process, measured from the kernel's counters: on a machine shared
with other work, CPU time moves much less than wall time, so compare old and new code by these figures. The
run is cut in `--rounds` equal parts to show whether the cost grows with the calls already made (a cache that
is never pulled keeps the answers' rows as pending rows, as between two pulls of the sync loop)."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from bench.day import add_day_argument
from bench.load_drive import CALL_MIX, counter_desk, issue
from bench.load_server import LoadServer
from client.services.reference import load_reference
from shared.queue.errors import CallRefused

TICK = os.sysconf("SC_CLK_TCK")


def server_cpu(srv: LoadServer) -> float:
    """User + system CPU seconds of the server process so far."""
    fields = Path(f"/proc/{srv.server.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile_call", description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=400, help="tickets the counter calls (at most about 900)")
    parser.add_argument("--rounds", type=int, default=3, help="parts the run is reported in")
    parser.add_argument("--window", type=int, default=1, help="the demo hall window that calls (1 serves A)")
    add_day_argument(parser, what="the working day the server lives on")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="govhall-call-") as tmp:
        srv = LoadServer("sqlite", Path(tmp), args.day)
        try:
            srv.start()
            windows = {w.number: w for w in load_reference(srv.db.engine).windows.values()}
            window = windows[args.window]
            served = "".join(p for p in CALL_MIX if window.serves(srv.businesses[p]))
            issue(srv, [srv.register("dispenser", name="dispenser")], srv.day, args.calls, 50, True, prefixes=served)
            desk = counter_desk(srv, srv.workstation(args.window), window, Path(tmp) / "counter.sqlite3")
            per_round = max(1, args.calls // args.rounds)
            done, current, total = 0, False, [0.0, 0.0, 0.0]
            load = os.getloadavg()
            print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}", flush=True)
            while done < args.calls:
                c0, s0, w0 = time.process_time(), server_cpu(srv), time.perf_counter()
                made = 0
                for _ in range(per_round):
                    if current:
                        desk.start()
                        desk.finish()
                    try:
                        desk.call_next()
                    except CallRefused:
                        break
                    current, made = True, made + 1
                if not made:
                    break
                client, server, wall = time.process_time() - c0, server_cpu(srv) - s0, time.perf_counter() - w0
                total = [total[0] + client, total[1] + server, total[2] + wall]
                done += made
                print(f"calls {done - made + 1}-{done}: counter {client / made * 1000:.2f} ms CPU per call, "
                      f"server {server / made * 1000:.2f} ms CPU per call, wall {wall / made * 1000:.2f} ms",
                      flush=True)
            load = os.getloadavg()
            print(f"load average at the end {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}", flush=True)
        finally:
            srv.close()
    print(f"calls={done} counter_ms={total[0] / max(done, 1) * 1000:.2f} server_ms={total[1] / max(done, 1) * 1000:.2f} "
          f"wall_ms={total[2] / max(done, 1) * 1000:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
