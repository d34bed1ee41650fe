"""Where a push's server time goes: `python -m bench.profile_push [--batch 1] [--pushes 1000] [--top 40]`.

The real app in process (bench.hall_asgi: no HTTP, no thread hand-overs) on a fresh demo SQLite database, one
dispenser pushing `queue.issue` commands; FastAPI's thread-pool hops run inline so that cProfile sees the
whole request (routing, validation, authentication, the handler, the change log, commit, the response).
Prints the functions by own time and by cumulative time, and the server time per command."""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import pstats
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

import anyio.to_thread
from sqlalchemy import event

from bench.day import WORKING_DAY, at
from bench.hall_asgi import AsgiCaller
from server.core.settings import Settings
from server.main import create_app
from server.store.database import Database
from shared.demo.loader import load_demo


async def _inline(func, *args, **kwargs):  # noqa: ANN001, ANN202 - anyio.to_thread.run_sync's signature
    return func(*args)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile_push", description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--pushes", type=int, default=1000)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--out", help="also write the raw profile here (for snakeviz/pstats)")
    parser.add_argument("--plain", action="store_true", help="time it without the profiler (A/B comparisons)")
    parser.add_argument("--sql", action="store_true", help="count the SQL statements per push, and list them")
    args = parser.parse_args(argv)
    now = at(WORKING_DAY, 10)
    with tempfile.TemporaryDirectory(prefix="govhall-prof-") as tmp:
        db = Database(f"sqlite:///{Path(tmp) / 'server.sqlite3'}")
        db.migrate()
        with db.session() as s:
            load_demo(s, password_iterations=1000)
        app = create_app(Settings(migrate_on_start=False, data_dir=Path(tmp), demo_mode=True), database=db,
                         clock=lambda: now.astimezone(dt.timezone.utc))
        http = AsgiCaller(app)
        token = http.request("POST", "/api/v1/auth/login", json={"username": "admin",
                                                                 "password": "GovHall@2026"}).json()["token"]
        hall = http.request("GET", "/api/v1/halls").json()[0]
        reg = http.request("POST", "/api/v1/sync/devices", headers={"Authorization": f"Bearer {token}"},
                           json={"kind": "dispenser", "name": "profile", "hall_id": hall["id"]}).json()
        headers = {"Authorization": f"Bearer {reg['token']}"}
        business = http.request("GET", f"/api/v1/queue/halls/{hall['id']}/config").json()["businesses"][0]
        total = args.batch * args.pushes
        pushes, seq, numbers = [], 0, iter(range(1, 10**6))
        for day_offset in range(total // 900 + 1):  # a fresh series day per 900 numbers
            day = WORKING_DAY + dt.timedelta(days=day_offset + 1)
            count = min(900, total - day_offset * 900)
            blocks = []
            while sum(b["last"] - b["first"] + 1 for b in blocks) < count:
                r = http.request("POST", "/api/v1/sync/lease", headers=headers, json={
                    "device": reg["device_id"], "protocol_version": 1, "asks": [{
                        "request_id": str(uuid.uuid4()), "series": "ticket", "prefix": business["prefix"],
                        "day": day.isoformat(), "kind": "live", "size": 200}]}).json()
                blocks += r["blocks"]
            slots = [(b["block_id"], n) for b in blocks for n in range(b["first"], b["last"] + 1)][:count]
            for block_id, number in slots:
                seq += 1
                ms = int(now.timestamp() * 1000) + seq
                pushes.append({"seq": seq, "command_id": str(uuid.uuid4()), "name": "queue.issue", "version": 1,
                               "base": None, "hlc": f"{ms:013d}-00000-prof", "args": {
                                   "ticket_id": str(uuid.uuid4()), "business_id": business["id"],
                                   "display": f"{business['prefix']}{number:03d}", "number": number,
                                   "block_id": block_id, "day": day.isoformat(), "channel": "dispenser",
                                   "issued_at": {"physical_ms": ms, "logical": 0, "device_id": "prof",
                                                 "device_seq": seq},
                                   "at": now.isoformat(), "print_state": "printed"}})
        del numbers
        bodies = [{"device": reg["device_id"], "protocol_version": 1, "commands": pushes[i:i + args.batch]}
                  for i in range(0, len(pushes), args.batch)]
        anyio.to_thread.run_sync = _inline  # the profile follows the request into the handler
        profile = cProfile.Profile()
        statements: Counter[str] = Counter()

        def count(conn, cursor, sql, *rest) -> None:  # noqa: ANN001 - SQLAlchemy's event signature
            statements.update([" ".join(sql.split())[:160]])
        if args.sql:
            event.listen(db.engine, "before_cursor_execute", count)
        start, cpu = time.perf_counter(), time.process_time()
        if not args.plain:
            profile.enable()
        for body in bodies:
            r = http.request("POST", "/api/v1/sync/push", headers=headers, json=body)
            assert r.status_code == 200 and r.json()["results"][-1]["status"] == "accepted", r.content[:300]
        profile.disable()
        if args.sql:
            event.remove(db.engine, "before_cursor_execute", count)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
        db.dispose()
    if args.sql:
        print(f"SQL statements per push of {args.batch}: {sum(statements.values()) / len(bodies):.2f}")
        for sql, n in statements.most_common():
            print(f"{n / len(bodies):8.2f}  {sql}")
    if args.plain:
        print(f"{total} commands in {len(bodies)} pushes of {args.batch}: {elapsed * 1000 / total:.3f} ms per "
              f"command, {cpu * 1000 / total:.3f} ms of CPU (in process, no HTTP, no profiler; the CPU figure is the one "
              f"to compare on a busy machine)")
        return 0
    stats = pstats.Stats(profile).strip_dirs()
    if args.out:
        stats.dump_stats(args.out)
    stats.sort_stats("tottime").print_stats(args.top)
    stats.sort_stats("cumulative").print_stats(args.top)
    print(f"{total} commands in {len(bodies)} pushes of {args.batch}: {elapsed * 1000 / total:.3f} ms per command "
          f"under the profiler (in process, no HTTP)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
