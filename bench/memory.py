"""Server memory: a serving process's RSS idle and with 2,000 devices waiting on events long-polls.

`python -m bench.memory [--db sqlite|postgresql] [--devices 2000]` starts one worker the way production does
(`uvicorn server.runtime:served_app --factory`: no migration in the process, scheduler and — on PostgreSQL —
the wake-up listener running), measures its RSS once idle, then while the devices wait (bench.sync's waiting
part), and lists any heavy library mapped into it. Last line:

    idle_mb=<MiB> waiting_mb=<MiB> per_device_kb=<KiB> waited=<devices> heavy=<libraries or none>
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from pathlib import Path

from bench.load_server import PII_KEYS
from bench.sync import Bench, bench_waiting

HEAVY = re.compile(r"PySide6|libQt6|cv2|opencv|numpy|PIL/|fpdf|fontTools|alembic")


def heavy_mapped(pid: int) -> list[str]:
    found = set()
    for line in Path(f"/proc/{pid}/maps").read_text().splitlines():
        match = HEAVY.search(line)
        if match:
            found.add(match.group(0).rstrip("/"))
    return sorted(found)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.memory", description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--devices", type=int, default=2000)
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                        help="extra environment for the server process (e.g. MALLOC_ARENA_MAX=2)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="govhall-bench-") as tmp:
        # Configured as production is: without personal-data keys the archive job fails at every tick.
        env = {**PII_KEYS, **dict(item.split("=", 1) for item in args.env)}
        b = Bench(args.db, Path(tmp), factory="server.runtime:served_app", env=env)
        try:
            b.start()
            time.sleep(2)  # settled: the first scheduler round and the listener's connection are done
            idle = b.rss_mb()
            heavy = heavy_mapped(b.server.pid)
            print(f"database: {args.db}; server pid {b.server.pid}; cpus {os.cpu_count()}; "
                  f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
            print(f"idle: RSS {idle:.0f} MiB; heavy libraries mapped: {', '.join(heavy) or 'none'}")
            before_wait = b.rss_mb()
            waited, peak = bench_waiting(b, args.devices)
        finally:
            b.close()
    per_device = (peak - before_wait) * 1024 / max(args.devices, 1)
    print(f"idle_mb={idle:.0f} waiting_mb={peak:.0f} per_device_kb={per_device:.1f} waited={waited} "
          f"heavy={','.join(heavy) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
