"""Kiosk benchmarks: `python -m bench.kiosk [--at 2026-11-23T10:00] [--samples 30]`. Prints figures (not a
timed test), ending with the line
`start=<s> tap_print_p50=<ms> tap_print_p95=<ms> offline_tap_print_p95=<ms> keypad_display_p50=<ms>
keypad_display_p95=<ms> keypad_announce_p50=<ms> keypad_announce_p95=<ms>` (one line).

Everything runs as a hall runs it, built by the programs' own code (`kiosk.app.Kiosk` is what
`python -m kiosk` builds; `client.app.open_main` is what `python -m client` builds after login), with the
real server (uvicorn) on loopback and device simulators on TCP — nothing here wakes a sync loop or submits
a command itself:

- start: cold start of `python -m kiosk --mode dispenser` (a subprocess) to a usable home screen (quota
  badges filled), median of three.
- tap → print: a tap on a business tile of the running dispenser → the ticket's bytes at the network printer
  simulator, online and then with the server stopped (the kiosk issues from its reserve block).
- keypad → shown / announced: a CALL_NEXT press on the keypad simulator → the counter client's keypad driver
  → its calling panel → its outbox and sync loop → the server → the display's events long-poll and pull →
  the board shows the called number (shown) and the display's announcer starts speaking it (announced).

Simulated time: the server, the kiosks and the counter all run on one simulated hall clock
(shared.simulated_clock) starting at `--at` (hall-local; default a Monday inside opening hours), so the
run does not depend on the day or hour it is started; the wall clock is read only for elapsed time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("ESCPOS_CAPABILITIES_PICKLE_DIR", tempfile.mkdtemp(prefix="govhall-escpos-"))

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_AT = "2026-11-23T10:00"  # a Monday, a working day, inside every demo business's hours
CLERK = ("clerk", "GovHall@2026")
WINDOW = 10  # the demo hall's window that serves F (unlimited quota) first


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def wait_until(check, timeout: float = 10.0) -> bool:  # noqa: ANN001
    """Run the Qt event loop until check() holds (checked every millisecond by a timer: a Python busy loop
    around processEvents() crashes PySide6 after a few hundred thousand calls)."""
    from gui.qt import QEventLoop, QTimer

    loop, deadline = QEventLoop(), time.perf_counter() + timeout
    timer = QTimer(interval=1)
    timer.timeout.connect(lambda: loop.quit() if check() or time.perf_counter() > deadline else None)
    timer.start()
    if not check():
        loop.exec()
    timer.stop()
    return check()


# -- cold start ----------------------------------------------------------------------------------------------
def bench_start(work: Path, at: str, runs: int = 3) -> float:
    """A fresh process each time on a cache that already holds the hall (a kiosk switched on in the morning);
    the first, unmeasured run fills that cache with the demo hall."""
    times = []
    for i in range(runs + 1):
        began = time.perf_counter()
        command = [sys.executable, "-m", "kiosk", "--mode", "dispenser", "--demo", "--cache",
                   str(work / "start.sqlite3"), "--at", at, "--exit-when-ready"]
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


# -- the programs, as the hall runs them -------------------------------------------------------------------
def kiosk(b, work: Path, clock, mode: str, devices: dict, **options):  # noqa: ANN001, ANN003, ANN201
    """A running `python -m kiosk --mode <mode> --demo` registered with the server: kiosk.app.Kiosk."""
    from gui.qt import QApplication
    from kiosk.app import Kiosk
    from kiosk.config import KioskConfig

    device_id, token = b.device(mode)
    config = KioskConfig(mode=mode, server=b.base, device_id=device_id, token=token,
                         cache=work / f"{mode}.sqlite3", devices=devices, **options)
    k = Kiosk(config, QApplication.instance(), demo=True, clock=clock)
    k.start(windowed=True)
    k.window.resize(*((1080, 1920) if mode == "dispenser" else (1920, 1080)))
    return k


def counter(b, work: Path, clock, keypad_port: int):  # noqa: ANN001, ANN201
    """A counter's `python -m client` after the clerk logged in: its workstation.toml (window, device
    credentials, keypad on TCP), the login, the services and client.app.open_main — as ClientApp does."""
    from client.app import open_main, open_workstation_cache
    from client.services.auth import AuthService
    from client.services.context import build_services
    from client.services.offline_logins import OfflineLoginStore
    from client.services.workstation import load_workstation
    from gui.ops import Ops
    from server.sync.devices import register_device
    from shared.db.models import Window
    from sqlalchemy import select

    with b.db.session() as s:
        window_id = s.scalars(select(Window.id).where(Window.hall_id == b.hall_id, Window.number == WINDOW)).one()
        device, token = register_device(s, kind="workstation", name="bench counter", hall_id=b.hall_id,
                                        window_id=window_id)
        device_id = device.id
    data = work / "client"
    data.mkdir()
    (data / "workstation.toml").write_text(
        f'[workstation]\nserver = "{b.base}"\nwindow = {WINDOW}\ndevice_id = "{device_id}"\n'
        f'device_token = "{token}"\n[keypad]\nhost = "127.0.0.1"\ntcp_port = {keypad_port}\n', encoding="utf-8")
    workstation = load_workstation(data)
    session = AuthService(workstation.server_url, OfflineLoginStore(data / "offline_logins.json"),
                          device_id=workstation.device_id).login(*CLERK)
    engine = open_workstation_cache(workstation.cache_path, demo=True)
    services = build_services(workstation, session, engine, clock=lambda: clock().astimezone(dt.timezone.utc))
    ops = Ops()
    window, devices, loop = open_main(services, ops)
    window.resize(1600, 960)
    window.show()
    return services, ops, window, devices, loop


# -- tap → print ---------------------------------------------------------------------------------------------
def bench_taps(b, work: Path, clock, taps: int) -> tuple[list[float], list[float], object]:  # noqa: ANN001
    from gui.qt import Qt
    from PySide6.QtTest import QTest
    from drivers.config import settings_from_mapping
    from drivers.sim.host import SimHost
    from drivers.sim.printer import PrinterSimulator
    from kiosk.flow.dispenser import Step

    sim = PrinterSimulator()
    host = SimHost(sim, kind="tcp").start()
    printer = settings_from_mapping("printer", {"transport": "network", "host": "127.0.0.1",
                                                "tcp_port": host.tcp_port})
    k = kiosk(b, work, clock, "dispenser", {"printer": printer}, ticket_key=bytes(16))
    window = k.window
    if not wait_until(lambda: window.ready() and k.sync.status().last_success_at is not None, 60):
        raise RuntimeError(f"the dispenser did not come online: {k.sync.status().last_error}")
    f_id = next(e.business.id for e in k.directory.entries if e.business.prefix == "F")  # unlimited quota
    results: dict[str, list[float]] = {"online": [], "offline": []}
    for phase in ("online", "offline"):
        if phase == "offline":
            b.stop_server()  # the cable is pulled: the kiosk's own loop finds out
        for _ in range(taps):
            wait_until(window.ready)
            size = len(sim.job)
            began = time.perf_counter()
            QTest.mouseClick(window.home.tiles[f_id], Qt.MouseButton.LeftButton)
            if not wait_until(lambda: len(sim.job) > size and window.flow.step is Step.ISSUED):
                raise RuntimeError(f"no ticket printed ({window.flow.step}, {window.flow.fault})")
            results[phase].append((time.perf_counter() - began) * 1000)
            window.run(window.flow.back())
        print(f"  {phase}: last ticket {window.ticket.number.text()}, outbox {k.sync.status().pending} pending")
    host.stop()
    return results["online"], results["offline"], k


# -- keypad → display ----------------------------------------------------------------------------------------
def bench_keypad(b, work: Path, clock, samples: int) -> tuple[list[float], list[float]]:  # noqa: ANN001
    from client.workspaces.clerk.calling_panel import CallingPanel
    from drivers.config import settings_from_mapping
    from drivers.keypad.codec import Key
    from drivers.sim.host import SimHost
    from drivers.sim.keypad import KeypadSimulator

    voice = work / "voice"
    voice.mkdir()
    board = kiosk(b, work, clock, "display", {"tts": settings_from_mapping("tts", {"record_dir": str(voice)})},
                  announce_repeat=0)
    started: dict[str, float] = {}
    finished: list[int] = []
    announcer = board.devices.announcer
    announcer.sig_started.connect(lambda aid, ticket, w: started.setdefault(ticket, time.perf_counter()))
    announcer.sig_finished.connect(lambda aid: finished.append(aid))
    announcer.sig_error.connect(lambda aid, code, message: finished.append(aid))
    pad = KeypadSimulator(address=1)
    pad_host = SimHost(pad, kind="tcp").start()
    services, ops, main, devices, loop = counter(b, work, clock, pad_host.tcp_port)
    panel = main.findChildren(CallingPanel)[0]
    cell = board.window.board.cells[WINDOW]
    window_key = str(services.desk.window.id)
    if not wait_until(lambda: services.sync.status().last_success_at is not None
                      and board.sync.status().last_success_at is not None, 60):
        raise RuntimeError("the counter or the display did not come online")
    shown, announced = [], []
    try:
        for _ in range(samples):
            before = cell.ticket.text()
            began = time.perf_counter()
            pad.press(Key.CALL_NEXT)
            if not wait_until(lambda: cell.ticket.text() not in ("", before), 15):
                raise RuntimeError(f"the call was not shown: {panel.message.text()} {services.sync.rejected()[-1:]}")
            shown.append((time.perf_counter() - began) * 1000)
            number = cell.ticket.text()
            if not wait_until(lambda: number in started, 15):
                raise RuntimeError(f"{number} was shown but never announced")
            announced.append((started[number] - began) * 1000)
            # The clerk serves the citizen and finishes (buttons; not timed), as between two real calls, and the
            # display finishes speaking before the next call.
            done = len(finished)
            for action in ("start", "finish"):
                panel.perform(action)
                wait_until(lambda: services.sync.rows("queue_window").get(window_key, {}).get("current_ticket_id")
                           is None if action == "finish" else services.sync.status().pending == 0, 10)
            wait_until(lambda: services.sync.status().pending == 0 and len(finished) > done, 20)
    finally:
        main.close()
        ops.wait()
        devices.stop()
        if loop is not None:
            loop.stop()
            services.attachment_sync.stop()  # started with the loop by open_main
        pad_host.stop()
        board.stop()
    return shown, announced


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    p = argparse.ArgumentParser(prog="python -m bench.kiosk", description=__doc__.split("\n\n")[0])
    p.add_argument("--at", default=DEFAULT_AT, help=f"simulated hall-local start time (default {DEFAULT_AT})")
    p.add_argument("--samples", type=int, default=30, help="taps per phase and keypad presses (default 30)")
    args = p.parse_args(argv)
    if args.samples < 2:
        p.error("--samples must be at least 2")
    from bench.sync import Bench
    from gui.app import application
    from gui.fonts import apply_chinese_font
    from shared import simulated_clock
    from shared.queue.clock import CHINA_TZ

    try:
        simulated_clock.parse(args.at, CHINA_TZ)
    except ValueError as exc:
        p.error(f"--at: {exc}")
    with tempfile.TemporaryDirectory(prefix="govhall-bench-kiosk-") as tmp:
        work = Path(tmp)
        print(f"cold start (python -m kiosk --mode dispenser --at {args.at}, to a usable home screen):")
        start = bench_start(work, args.at)
        app = application("GovHall bench")
        apply_chinese_font(app)
        clock = simulated_clock.parse(args.at, CHINA_TZ)  # starts now, with the server
        print(f"simulated hall time from {clock():%Y-%m-%d %H:%M} ({clock():%A})")
        b = Bench("sqlite", work, None, factory="bench.simulated_server:create_app",
                  env={"GOVHALL_SIMULATED_CLOCK": clock.to_text()})
        b.start()
        dispenser = None
        try:
            print(f"tap → ticket bytes at the printer simulator ({args.samples} taps each):")
            online, offline, dispenser = bench_taps(b, work, clock, args.samples)
            for name, values in (("online ", online), ("offline", offline)):
                print(f"  {name} p50 {pct(values, 50):.1f} ms  p95 {pct(values, 95):.1f} ms  "
                      f"max {max(values):.1f} ms")
            b.start()  # the cable is back: the dispenser's loop pushes its offline tickets on its own
            print(f"keypad CALL_NEXT → display shows it / starts announcing it ({args.samples} presses):")
            shown, announced = bench_keypad(b, work, clock, args.samples)
            for name, values in (("shown    ", shown), ("announced", announced)):
                print(f"  {name} p50 {pct(values, 50):.1f} ms  p95 {pct(values, 95):.1f} ms  "
                      f"max {max(values):.1f} ms")
            drained = wait_until(lambda: dispenser.sync.status().pending == 0, 90)
            print(f"  the dispenser's offline tickets reached the server after reconnecting: {drained}")
        finally:
            if dispenser is not None:
                dispenser.stop()
            b.close()
    print(f"start={start:.2f} tap_print_p50={pct(online, 50):.0f} tap_print_p95={pct(online, 95):.0f} "
          f"offline_tap_print_p95={pct(offline, 95):.0f} keypad_display_p50={pct(shown, 50):.0f} "
          f"keypad_display_p95={pct(shown, 95):.0f} keypad_announce_p50={pct(announced, 50):.0f} "
          f"keypad_announce_p95={pct(announced, 95):.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
