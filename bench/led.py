"""Call → LED screen: `python -m bench.led [--at "2026-12-07 10:00"] [--samples 30] [--window 3]`. Prints
figures (not a timed test), ending with the line `call_led_p50=<ms> call_led_p95=<ms> call_led_max=<ms> samples=N`.

Through the real processes, as a hall runs them: the server (`python -m server serve`) and the hall controller
(`python -m kiosk --mode controller`, provisioned through the admin API with one BX card per window and the
strip) are their own processes, pinned to `--at` China time by libfaketime (installers/hall.py, as the demo
does). The LED cards are the BX simulators (drivers/sim/led.py) on TCP inside this process, so the moment a
frame arrives is read exactly. A counter workstation (a SyncClient with its clerk signed in, as the desktop
client's calling panel uses it) calls each ticket at the window: submit + push, as the client's sync loop does
on every queued command. One sample = from the clerk's submit to the window's card receiving the frame that
shows the number (the server's event, the controller's long-poll and pull, its decision, the BX frame and the
card's answer). The ticket is then started and finished, so the next call is a fresh one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import socket
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from drivers.sim.host import SimHost
from drivers.sim.led import LedSimulator
from installers.hall import LED_STRIP, LED_WINDOWS, Hall, pinned_clock_env
from shared import simulated_clock
from shared.queue.clock import CHINA_TZ

DEFAULT_AT = "2026-12-07 10:00"  # a Monday inside opening hours (as the demo's --check)


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


class TimedCard(LedSimulator):
    """A BX card simulator that notes when each screen arrived (perf_counter) and wakes a waiter."""

    def __init__(self, address: int) -> None:
        super().__init__(address=address)
        self.arrived = threading.Condition()
        self.screens: list[tuple[float, dict[int, str]]] = []

    def receive(self, data: bytes) -> bytes:
        out = super().receive(data)
        with self.arrived:
            self.screens.append((time.perf_counter(), dict(self.texts)))
            self.arrived.notify_all()
        return out

    def wait_for(self, first_line: str, after: float, timeout: float = 15.0) -> float | None:
        deadline = time.perf_counter() + timeout
        with self.arrived:
            while True:
                for at, texts in self.screens:
                    if at >= after and texts.get(0) == first_line:
                        return at
                left = deadline - time.perf_counter()
                if left <= 0:
                    return None
                self.arrived.wait(left)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_hall(work: Path, at: dt.datetime) -> Hall:
    env = dict(os.environ, GOVHALL_DATA_DIR=str(work), GOVHALL_PII_KEYS=f"bench1:{'3a' * 16}",
               GOVHALL_PII_INDEX_KEY="5c" * 32)
    hall = Hall(work, free_port(), env, pinned_clock_env(at))
    hall.load_demo()
    hall.start_server()
    return hall


def cards_on(hosts: dict[int, SimHost]) -> dict[str, dict]:
    cards = {f"card-w{n}": {"role": "window", "window": n, "protocol": "bx", "address": n, "port": hosts[n].url,
                            "timeout": 0.5} for n in LED_WINDOWS}
    cards["card-strip"] = {"role": "strip", "protocol": "bx", "address": LED_STRIP, "port": hosts[LED_STRIP].url,
                           "width": 192, "height": 16}
    return cards


def counter(hall: Hall, window: int, work: Path, clock):  # noqa: ANN001, ANN201
    """The clerk's workstation at `window`, signed in (its file from provisioning, as the client reads it)."""
    import requests
    import tomllib

    from shared.db.cache import open_cache
    from shared.sync.client import SyncClient
    from shared.sync.transport import HttpTransport

    path = hall.provision("clerk", "clerk", window, {})
    ws = tomllib.loads(path.read_text(encoding="utf-8"))["workstation"]
    staff = requests.post(f"{hall.url}/api/v1/auth/login", timeout=10, json={
        "username": "clerk", "password": "GovHall@2026", "device_id": ws["device_id"]}).json()["token"]
    engine = open_cache(work / "counter.sqlite3", immediate=True)
    return SyncClient(engine, device_id=ws["device_id"], token=ws["device_token"],
                      transport=HttpTransport(hall.url), staff_token=staff, wall_ms=clock.wall_ms)


def issue(hall: Hall, work: Path, clock, count: int, window: int) -> list[tuple[str, str]]:  # noqa: ANN001
    """`count` tickets of a business the window serves first, issued by a provisioned dispenser: (id, number)."""
    import tomllib

    from kiosk.services.issuing import TicketDesk
    from kiosk.services.reference import load_directory
    from shared.db.cache import open_cache
    from shared.queue.printing import PrintState
    from shared.queue.tickets import Channel
    from shared.sync.client import SyncClient
    from shared.sync.transport import HttpTransport

    path = hall.provision("dispenser", "dispenser", None, {})
    k = tomllib.loads(path.read_text(encoding="utf-8"))["kiosk"]
    sync = SyncClient(open_cache(work / "dispenser.sqlite3", immediate=True), device_id=k["device_id"],
                      token=k["token"], transport=HttpTransport(hall.url), wall_ms=clock.wall_ms)
    sync.sync_once()
    desk = TicketDesk(sync, load_directory(sync.engine), now=clock)
    desk.track_today()
    sync.sync_once()
    served = next(w for w in desk.directory.windows if w.number == window)
    business = min(served.services, key=lambda s: s.level).business_id
    out = []
    for _ in range(count):
        prepared = desk.issue(business, Channel.DISPENSER)
        desk.settle(prepared, PrintState.PRINTED)
        out.append((prepared.ticket.id, prepared.ticket.number))
    sync.sync_once()
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.led", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--at", default=DEFAULT_AT, help="China time every process runs from (YYYY-MM-DD HH:MM)")
    p.add_argument("--samples", type=int, default=30)
    p.add_argument("--window", type=int, default=3, choices=LED_WINDOWS)
    args = p.parse_args(argv)
    at = dt.datetime.strptime(args.at, "%Y-%m-%d %H:%M").replace(tzinfo=CHINA_TZ)
    clock = simulated_clock.parse(at.isoformat(), CHINA_TZ)  # this process's hall clock, from the same moment
    work = Path(tempfile.mkdtemp(prefix="govhall-bench-led-"))
    cards = {n: TimedCard(n) for n in (*LED_WINDOWS, LED_STRIP)}
    hosts = {n: SimHost(card, kind="tcp").start() for n, card in cards.items()}
    hall = start_hall(work, at)
    try:
        config = hall.provision("controller", "controller", None, cards_on(hosts))
        controller = hall.spawn("controller", ["-m", "kiosk", "--mode", "controller", "--config", str(config),
                                               "--cache", str(work / "controller.sqlite3")])
        card = cards[args.window]
        idle = f"{args.window}号窗口"
        if card.wait_for(idle, 0.0, timeout=60) is None:
            raise SystemExit(f"the controller never lit window {args.window}'s card; see {controller.log}")
        tickets = issue(hall, work, clock, args.samples, args.window)
        clerk = counter(hall, args.window, work, clock)
        clerk.sync_once()
        from kiosk.services.reference import load_directory
        window_id = next(w.id for w in load_directory(clerk.engine).windows if w.number == args.window)
        took = []
        for ticket_id, number in tickets:
            began = time.perf_counter()
            clerk.submit("queue.call", 1, {"call_id": str(uuid.uuid4()), "ticket_id": ticket_id,
                                           "window_id": window_id, "mode": "specific",
                                           "at": clock().isoformat()})
            clerk.sync_once()
            shown = card.wait_for(number, began)
            if shown is None:
                raise SystemExit(f"{number} never reached window {args.window}'s card; rejected: "
                                 f"{clerk.rejected()}; see {controller.log}")
            took.append((shown - began) * 1000)
            for name in ("queue.start", "queue.finish"):
                clerk.submit(name, 1, {"ticket_id": ticket_id, "window_id": window_id, "at": clock().isoformat()})
            clerk.sync_once()
            if clerk.rejected():
                raise SystemExit(f"the server refused: {clerk.rejected()}")
            card.wait_for(idle, time.perf_counter() - 0.001)  # the window idle again before the next call
        print(f"call → window {args.window} LED screen, {len(took)} calls: "
              f"p50 {statistics.median(took):.0f} ms, p95 {pct(took, 95):.0f} ms, max {max(took):.0f} ms")
        print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} (other work shares them)")
        print(f"call_led_p50={statistics.median(took):.0f} call_led_p95={pct(took, 95):.0f} "
              f"call_led_max={max(took):.0f} samples={len(took)}")
        return 0
    finally:
        hall.stop()
        for host in hosts.values():
            host.stop()


if __name__ == "__main__":
    sys.exit(main())
