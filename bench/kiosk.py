"""Kiosk benchmarks: `python -m bench.kiosk`. Prints figures (not a timed test), ending with the line
`start=<s> tap_print_p50=<ms> tap_print_p95=<ms> offline_tap_print_p95=<ms> keypad_display_p95=<ms>`.

- start: cold start of `python -m kiosk --mode dispenser` (a subprocess) to a usable home screen (quota
  badges filled), median of three.
- tap → print: a tap on a business tile → the ticket's bytes received by the fake network printer, with the
  real server on loopback (online) and with the network pulled (reserve numbers).
- keypad → display: a counter's `queue.call` (what its keypad press sends; the keypad → workstation hop is the
  desktop client's) through the server's call handler, to the display device's background sync loop (events
  long-poll), until the board shows the ticket and its announcement has started.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("ESCPOS_CAPABILITIES_PICKLE_DIR", tempfile.mkdtemp(prefix="govhall-escpos-"))

from bench.sync import Bench  # noqa: E402
from shared.sync.transport import TransportError  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def wait_until(check, timeout: float = 10.0) -> bool:
    """Run the Qt event loop until check() holds (checked every millisecond by a timer: a Python busy loop
    around processEvents() crashes PySide6 after a few hundred thousand calls)."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop, deadline = QEventLoop(), time.perf_counter() + timeout
    timer = QTimer(interval=1)
    timer.timeout.connect(lambda: loop.quit() if check() or time.perf_counter() > deadline else None)
    timer.start()
    if not check():
        loop.exec()
    timer.stop()
    return check()


def bench_start(work: Path, runs: int = 3) -> float:
    """A fresh process each time on a cache that already holds the hall (a kiosk switched on in the morning);
    the first, unmeasured run fills that cache with the demo hall."""
    times = []
    for i in range(runs + 1):
        began = time.perf_counter()
        command = [sys.executable, "-m", "kiosk", "--mode", "dispenser", "--demo", "--cache",
                   str(work / "start.sqlite3"), "--exit-when-ready"]
        out = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
        if "kiosk ready" not in out.stdout:
            raise RuntimeError(f"kiosk did not start: {out.stderr[-500:]}")
        elapsed = time.perf_counter() - began
        if i == 0:
            print(f"  first run (creates the cache, loads the demo hall): {elapsed:.2f} s, not counted")
            continue
        times.append(elapsed)
        print(f"  run {i}: {elapsed:.2f} s")
    return statistics.median(times)


class Switch:
    def __init__(self, inner) -> None:  # noqa: ANN001
        self.inner, self.down = inner, False

    def request(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        if self.down:
            raise TransportError("network pulled")
        return self.inner.request(*args, **kwargs)


def bench_taps(b: Bench, work: Path, taps: int = 30) -> tuple[list[float], list[float]]:
    from gui.ops import Ops
    from gui.qt import QApplication, Qt
    from gui.fonts import apply_chinese_font
    from drivers.config import settings_from_mapping
    from drivers.factory import ticket_printer
    from drivers.qt.devices import PrinterAdapter
    from drivers.sim.host import SimHost
    from drivers.sim.printer import PrinterSimulator
    from kiosk.app import prepare_cache
    from kiosk.dispenser import DispenserWindow
    from kiosk.flow.dispenser import Step
    from kiosk.services.issuing import TicketDesk
    from kiosk.services.reference import load_directory
    from PySide6.QtTest import QTest

    app = QApplication.instance() or QApplication([])
    apply_chinese_font(app)
    sync = b.client("dispenser", b.device("dispenser"))
    sync.engine.dispose()
    sync.engine = prepare_cache(work / "dispenser.sqlite3", demo=True)
    sync.transport = switch = Switch(sync.transport)
    sync.leases.live_size = 10
    desk = TicketDesk(sync, load_directory(sync.engine), index_key=bytes(16))
    desk.track_today()
    sync.sync_once()
    sim = PrinterSimulator()
    host = SimHost(sim, kind="tcp").start()
    printer = PrinterAdapter(ticket_printer(settings_from_mapping(
        "printer", {"transport": "network", "host": "127.0.0.1", "tcp_port": host.tcp_port})))
    printer.start()
    ops = Ops()
    window = DispenserWindow(ops, desk, printer=printer)
    window.resize(1080, 1920)
    window.show()
    f_id = next(e.business.id for e in desk.directory.entries if e.business.prefix == "F")  # unlimited quota
    results: dict[str, list[float]] = {"online": [], "offline": []}
    for phase in ("online", "offline"):
        switch.down = phase == "offline"
        for i in range(taps):
            if phase == "online" and i % 5 == 4:
                sync.sync_once()  # what the background loop does: top up the live block
            wait_until(window.ready)
            size = len(sim.job)
            began = time.perf_counter()
            QTest.mouseClick(window.home.tiles[f_id], Qt.MouseButton.LeftButton)
            if not wait_until(lambda: window.flow.step is Step.ISSUED and len(sim.job) > size):
                raise RuntimeError(f"no ticket printed ({window.flow.step}, {window.flow.fault})")
            results[phase].append((time.perf_counter() - began) * 1000)
            window.run(window.flow.back())
        print(f"  {phase}: last ticket {window.ticket.number.text()}")
    window.close()
    ops.wait()
    printer.stop()
    host.stop()
    return results["online"], results["offline"]


def bench_call_to_display(b: Bench, work: Path, samples: int = 30) -> list[float]:
    """A counter's `queue.call` (what a keypad press sends) → the server's call handler → the display device's
    background sync loop (events long-poll) → the board shows the ticket and its announcement starts."""
    import datetime as dt

    import requests

    from gui.ops import Ops
    from drivers.qt.tts import AnnouncerAdapter
    from kiosk.app import prepare_cache
    from kiosk.display import DisplayWindow
    from kiosk.services.issuing import TicketDesk
    from kiosk.services.reference import load_directory
    from shared.queue.clock import CHINA_TZ
    from shared.queue.tickets import Channel
    from shared.sync.loop import SyncLoop

    for name in ("issuer", "counter", "board"):
        prepare_cache(work / f"{name}.sqlite3", demo=True).dispose()  # the hall's reference data
    issuer = b.client("issuer", b.device("dispenser"))
    directory = load_directory(issuer.engine)
    today_10 = dt.datetime.combine(dt.datetime.now(CHINA_TZ).date(), dt.time(10, 0), CHINA_TZ)
    desk = TicketDesk(issuer, directory, now=lambda: today_10)
    desk.track_today()
    issuer.sync_once()
    f_id = next(e.business.id for e in directory.entries if e.business.prefix == "F")
    tickets = []
    for _ in range(samples):
        prepared = desk.issue(f_id, Channel.DISPENSER)
        desk.settle(prepared, PrintState.PRINTED)
        tickets.append(prepared.ticket)
    issuer.sync_once()
    window = next(w for w in directory.windows if w.number == 10)  # serves F first
    with b.db.session() as s:
        from server.sync.devices import register_device
        device, token = register_device(s, kind="workstation", name="bench counter", hall_id=b.hall_id,
                                        window_id=window.id)
        device_id = device.id
    login = {"username": "clerk", "password": "GovHall@2026", "device_id": device_id}
    staff = requests.post(b.base + "/api/v1/auth/login", json=login, timeout=10).json()["token"]
    counter = b.client("counter", (device_id, token), staff_token=staff)
    display = b.client("board", b.device("display"))
    loops = [SyncLoop(counter, interval=30, poll_timeout=20), SyncLoop(display, interval=30, poll_timeout=20)]
    started: dict[str, float] = {}

    class Silent:  # the announcement's start is measured; speaking itself takes seconds
        def speak(self, playlist) -> None:  # noqa: ANN001
            time.sleep(0.005)

    announcer = AnnouncerAdapter(Silent())
    announcer.sig_started.connect(lambda aid, ticket, w: started.setdefault(ticket, time.perf_counter()))
    ops = Ops()
    board = DisplayWindow(ops, display, directory, announcer, repeat=0)
    board.resize(1920, 1080)
    board.show()
    for loop in loops:
        loop.start()
    latencies = []
    try:
        wait_until(lambda: display.status().last_success_at is not None)
        for ticket in tickets:
            began = time.perf_counter()
            counter.submit("queue.call", 1, {"call_id": str(uuid.uuid4()), "ticket_id": ticket.id,
                                             "window_id": window.id, "mode": "specific",
                                             "at": dt.datetime.now(CHINA_TZ).isoformat()})
            loops[0].wake()
            if not wait_until(lambda: board.board.cells[10].ticket.text() == ticket.number
                              and ticket.number in started):
                raise RuntimeError(f"call of {ticket.number} not shown: {counter.rejected()[-1:]}")
            latencies.append((max(time.perf_counter(), started[ticket.number]) - began) * 1000)
            for name in ("queue.start", "queue.finish"):  # free the window for the next call (not timed)
                counter.submit(name, 1, {"ticket_id": ticket.id, "window_id": window.id,
                                         "at": dt.datetime.now(CHINA_TZ).isoformat()})
            loops[0].wake()
    finally:
        for loop in loops:
            loop.stop()
        board.close()
        ops.wait()
        announcer.close()
    return latencies


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="govhall-bench-kiosk-") as tmp:
        work = Path(tmp)
        print("cold start (python -m kiosk --mode dispenser, to a usable home screen):")
        start = bench_start(work)
        b = Bench("sqlite", work)
        b.start()
        try:
            print("tap → ticket bytes at the fake network printer (30 taps each):")
            online, offline = bench_taps(b, work)
            for name, values in (("online ", online), ("offline", offline)):
                print(f"  {name} p50 {pct(values, 50):.1f} ms  p95 {pct(values, 95):.1f} ms  "
                      f"max {max(values):.1f} ms")
            print("counter's queue.call → server handler → display shows it, announcement started (30):")
            calls = bench_call_to_display(b, work)
            print(f"  p50 {pct(calls, 50):.1f} ms  p95 {pct(calls, 95):.1f} ms  max {max(calls):.1f} ms")
            total = pct(calls, 95)
        finally:
            b.close()
    print(f"start={start:.2f} tap_print_p50={pct(online, 50):.0f} tap_print_p95={pct(online, 95):.0f} "
          f"offline_tap_print_p95={pct(offline, 95):.0f} keypad_display_p95={total:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
