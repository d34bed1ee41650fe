"""Where a push's server time goes: `python -m bench.profile_push [--batch 1] [--pushes 1000] [--top 40] [--call]`.

The real app in process (bench.hall_asgi: no HTTP, no thread hand-overs) on a fresh demo SQLite database
(`--db pg`: a throw-away schema of bench.sync's PostgreSQL database), one
dispenser pushing `queue.issue` commands; FastAPI's thread-pool hops run inline so that cProfile sees the
whole request (routing, validation, authentication, the handler, the change log, commit, the response).
Prints the functions by own time and by cumulative time, and the server time per command.

`--call`: the dispenser first issues `--pushes` tickets for today (not timed), then the counter of window 1
calls them as bench.load's counters do — each push carries the last citizen's 开始办理 and 办结 and the next
`queue.call_next` — and the figures are per call (per push)."""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import pstats
import secrets
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import anyio.to_thread
from sqlalchemy import create_engine, event, text

from bench.day import WORKING_DAY, at
from bench.hall_asgi import AsgiCaller
from bench.sync import PG_URL
from server.core.settings import Settings
from server.main import create_app
from server.store.database import Database
from shared.db.engine import make_engine
from shared.demo.loader import load_demo

PASSWORD = "GovHall@2026"


async def _inline(func, *args, **kwargs):  # noqa: ANN001, ANN202 - anyio.to_thread.run_sync's signature
    return func(*args)


class Device:
    """A registered device pushing through the app in process, numbering its commands."""

    def __init__(self, http: AsgiCaller, device_id: str, headers: dict, now: dt.datetime) -> None:
        self.http, self.id, self.headers, self.now, self.seq = http, device_id, headers, now, 0

    def command(self, name: str, args: dict) -> dict:
        self.seq += 1
        ms = int(self.now.timestamp() * 1000) + self.seq
        return {"seq": self.seq, "command_id": str(uuid.uuid4()), "name": name, "version": 1, "base": None,
                "hlc": f"{ms:013d}-00000-prof", "args": args}

    def body(self, commands: list[dict]) -> dict:
        return {"device": self.id, "protocol_version": 1, "commands": commands}

    def push(self, commands: list[dict]) -> list[dict]:
        r = self.http.request("POST", "/api/v1/sync/push", headers=self.headers, json=self.body(commands))
        assert r.status_code == 200, r.content[:300]
        results = r.json()["results"]
        assert all(x["status"] == "accepted" for x in results), results
        return results


def _issues(dispenser: Device, business: dict, days: list[dt.date]) -> list[dict]:
    """`queue.issue` commands, one per day given, numbered from blocks the dispenser leases per day."""
    commands = []
    for day in sorted(set(days)):
        count, blocks = days.count(day), []
        while sum(b["last"] - b["first"] + 1 for b in blocks) < count:
            r = dispenser.http.request("POST", "/api/v1/sync/lease", headers=dispenser.headers, json={
                "device": dispenser.id, "protocol_version": 1, "asks": [{
                    "request_id": str(uuid.uuid4()), "series": "ticket", "prefix": business["prefix"],
                    "day": day.isoformat(), "kind": "live", "size": 200}]}).json()
            blocks += r["blocks"]
        slots = [(b["block_id"], n) for b in blocks for n in range(b["first"], b["last"] + 1)][:count]
        for block_id, number in slots:
            seq = dispenser.seq + 1  # the seq command() gives it
            ms = int(dispenser.now.timestamp() * 1000) + seq
            commands.append(dispenser.command("queue.issue", {
                "ticket_id": str(uuid.uuid4()), "business_id": business["id"],
                "display": f"{business['prefix']}{number:03d}", "number": number, "block_id": block_id,
                "day": day.isoformat(), "channel": "dispenser",
                "issued_at": {"physical_ms": ms, "logical": 0, "device_id": "prof", "device_seq": seq},
                "at": dispenser.now.isoformat(), "print_state": "printed"}))
    return commands


def _chunks(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _calls(counter: Device, window_id: int, count: int) -> Iterator[list[dict]]:
    """顺呼 pushes: the last citizen's start and finish with the next call (the answer names that citizen)."""
    current = None
    for _ in range(count):
        commands = []
        if current is not None:
            served = {"ticket_id": current, "window_id": window_id, "at": counter.now.isoformat()}
            commands += [counter.command("queue.start", served), counter.command("queue.finish", served)]
        commands.append(counter.command("queue.call_next", {"call_id": str(uuid.uuid4()), "window_id": window_id,
                                                            "at": counter.now.isoformat()}))
        results = yield commands
        current = results[-1]["result"]["ticket_id"]


@contextmanager
def _database(kind: str, tmp: str) -> Iterator[Database]:
    """A fresh, migrated demo database: a SQLite file in `tmp`, or a PostgreSQL schema dropped afterwards."""
    if kind == "sqlite":
        db = Database(f"sqlite:///{Path(tmp) / 'server.sqlite3'}")
    else:
        schema = f"bench_{secrets.token_hex(4)}"
        admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        url = f"{PG_URL}?options=-csearch_path%3D{schema}"
        db = Database(url, engine=make_engine(url))
    try:
        db.migrate()
        with db.session() as s:
            load_demo(s, password_iterations=1000)
        yield db
    finally:
        db.dispose()
        if kind != "sqlite":
            with admin.connect() as conn:
                conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
            admin.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile_push", description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "pg"), default="sqlite")
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--pushes", type=int, default=1000)
    parser.add_argument("--call", action="store_true", help="profile 顺呼 pushes of a counter (at most 900)")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--out", help="also write the raw profile here (for snakeviz/pstats)")
    parser.add_argument("--plain", action="store_true", help="time it without the profiler (A/B comparisons)")
    parser.add_argument("--sql", action="store_true", help="count the SQL statements per push, and list them")
    args = parser.parse_args(argv)
    now = at(WORKING_DAY, 10)
    with tempfile.TemporaryDirectory(prefix="govhall-prof-") as tmp, _database(args.db, tmp) as db:
        app = create_app(Settings(migrate_on_start=False, data_dir=Path(tmp), demo_mode=True), database=db,
                         clock=lambda: now.astimezone(dt.timezone.utc))
        http = AsgiCaller(app)

        def login(username: str, device_id: str | None = None) -> str:
            return http.request("POST", "/api/v1/auth/login", json={
                "username": username, "password": PASSWORD, "device_id": device_id}).json()["token"]

        def register(kind: str, window_id: int | None = None) -> Device:
            reg = http.request("POST", "/api/v1/sync/devices", headers={"Authorization": f"Bearer {admin}"},
                               json={"kind": kind, "name": "profile", "hall_id": hall["id"],
                                     "window_id": window_id}).json()
            return Device(http, reg["device_id"], {"Authorization": f"Bearer {reg['token']}"}, now)

        admin = login("admin")
        hall = http.request("GET", "/api/v1/halls").json()[0]
        config = http.request("GET", f"/api/v1/queue/halls/{hall['id']}/config").json()
        business = config["businesses"][0]
        dispenser = register("dispenser")
        if args.call:
            for part in _chunks(_issues(dispenser, business, [WORKING_DAY] * args.pushes), 50):
                dispenser.push(part)  # today's tickets, not timed
            window = next(w for w in config["windows"] if w["number"] == 1)
            device = register("workstation", window["id"])
            device.headers["X-Staff-Token"] = login("clerk", device.id)
            pushes = _calls(device, window["id"], args.pushes)
            commands = next(pushes)
        else:  # each issue on a future day: a series day per 900 numbers
            device = dispenser
            days = [WORKING_DAY + dt.timedelta(days=i // 900 + 1) for i in range(args.batch * args.pushes)]
            pushes = iter(_chunks(_issues(dispenser, business, days), args.batch))
            commands = next(pushes)
        anyio.to_thread.run_sync = _inline  # the profile follows the request into the handler
        profile = cProfile.Profile()
        statements: Counter[str] = Counter()

        def count(conn, cursor, sql, *rest) -> None:  # noqa: ANN001 - SQLAlchemy's event signature
            statements.update([" ".join(sql.split())[:160]])
        if args.sql:
            event.listen(db.engine, "before_cursor_execute", count)
        done, units = 0, 0
        start, cpu = time.perf_counter(), time.process_time()
        if not args.plain:
            profile.enable()
        while commands is not None:
            results = device.push(commands)
            done, units = done + 1, units + (1 if args.call else len(commands))
            try:
                commands = pushes.send(results) if args.call else next(pushes)
            except StopIteration:
                commands = None
        profile.disable()
        if args.sql:
            event.remove(db.engine, "before_cursor_execute", count)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    what = (f"{units} calls (顺呼: start, finish, call_next per push)" if args.call
            else f"{units} commands in {done} pushes of {args.batch}")
    per = "call" if args.call else "command"
    if args.sql:
        print(f"SQL statements per push: {sum(statements.values()) / done:.2f}")
        for sql, n in statements.most_common():
            print(f"{n / done:8.2f}  {sql}")
    if args.plain:
        print(f"{what}: {elapsed * 1000 / units:.3f} ms per {per}, {cpu * 1000 / units:.3f} ms of CPU (in process, "
              f"no HTTP, no profiler; the CPU figure is the one to compare on a busy machine)")
        return 0
    stats = pstats.Stats(profile).strip_dirs()
    if args.out:
        stats.dump_stats(args.out)
    stats.sort_stats("tottime").print_stats(args.top)
    stats.sort_stats("cumulative").print_stats(args.top)
    print(f"{what}: {elapsed * 1000 / units:.3f} ms per {per} under the profiler (in process, no HTTP)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
