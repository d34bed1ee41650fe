"""Bootstrap: `python -m kiosk --mode dispenser|evaluator|display [--config FILE] [--server URL]`.

Opens the local cache (synchronous=FULL: kiosks lose power), starts the sync loop and the devices, and shows
the mode full screen. `--demo` fills an empty cache with the demo hall (a kiosk without a server yet);
`--at` runs it on a simulated hall clock; `--exit-when-ready` prints the start-up time once the first screen
is usable and quits (bench/kiosk.py)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
import uuid

STARTED = time.perf_counter()
FIRST_PULL_WAIT = 60.0  # seconds a fresh kiosk waits for the server before giving up


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m kiosk", description="GovHall kiosk (取号机 / 评价器 / 集中显示屏)")
    p.add_argument("--mode", choices=("dispenser", "evaluator", "display", "controller"), required=True,
                   help="controller: the headless hall controller driving the LED screens (kiosk/controller)")
    p.add_argument("--config", help="TOML/INI file: [kiosk] and device sections")
    p.add_argument("--server", help="server URL (overrides the config)")
    p.add_argument("--cache", help="local cache file (overrides the config)")
    p.add_argument("--demo", action="store_true", help="load the demo hall into an empty cache")
    p.add_argument("--windowed", action="store_true", help="a window instead of full screen (development)")
    p.add_argument("--at", help="run on a simulated hall clock starting at this time, e.g. 2026-11-23T10:00 "
                               "(demos, training, benchmarks; hall-local unless it has an offset)")
    p.add_argument("--enrol", action="store_true",
                   help="first start: if --config holds no credentials yet, show the registration screen, read "
                        "the admin's QR code on the [scanner] or [camera] and register this kiosk "
                        "(kiosk/screens/enrol_screen.py)")
    p.add_argument("--exit-when-ready", action="store_true", help=argparse.SUPPRESS)
    return p.parse_args(argv)


def prepare_cache(path, demo: bool):  # noqa: ANN001, ANN201
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from shared.db.cache import open_cache
    from shared.db.models import Hall

    engine = open_cache(path, synchronous_full=True, immediate=True)  # kiosks lose power
    if demo:
        with Session(engine) as session:
            if session.scalars(select(Hall)).first() is None:
                from shared.demo.loader import load_demo
                load_demo(session, password_iterations=1000)
                session.commit()
    return engine


def first_pull(sync, engine, hall_code: str, wait: float = FIRST_PULL_WAIT):  # noqa: ANN001, ANN201
    """A newly provisioned kiosk has an empty cache: pull its hall before the first screen, retrying while the
    server comes up (a hall powers on all at once). None if it never answered."""
    from kiosk.services.reference import load_directory
    from shared.sync.errors import SyncFailed
    deadline = time.monotonic() + wait
    while True:
        try:
            sync.sync_once()
            return load_directory(engine, hall_code or None)
        except (SyncFailed, LookupError) as exc:
            if time.monotonic() >= deadline:
                return None
            print(f"kiosk: waiting for the server to send the hall ({exc})", file=sys.stderr, flush=True)
            time.sleep(1.0)


def build_window(config, ops, sync, directory, devices, facts, clock=None, health=None):  # noqa: ANN001, ANN201
    """The mode's window; `clock` (default: the real time) is the hall clock its services decide with;
    `health` reports the devices' faults as facts."""
    if config.mode == "dispenser":
        from kiosk.dispenser import DispenserWindow
        from kiosk.identity.decoder import from_settings
        from kiosk.services.issuing import TicketDesk
        desk = TicketDesk(sync, directory, ticket_key=config.ticket_key, now=clock)
        desk.track_today()
        desk.abandon_failed()  # failure screens a restart left: those citizens are gone
        return DispenserWindow(ops, desk, printer=devices.printer, idcard=devices.idcard,
                               scanners=devices.scanners,
                               pin=config.admin_pin, follow_url=config.follow_url, facts=facts, health=health,
                               decoder=from_settings(config.devices))
    if config.mode == "evaluator":
        from kiosk.evaluator import EvaluatorWindow
        from kiosk.services.rating import RatingDesk
        window = next((w for w in directory.windows if w.number == config.window), directory.windows[0])
        return EvaluatorWindow(ops, RatingDesk(sync, directory, window.id, now=clock), keypad=devices.keypad,
                               pin=config.admin_pin, facts=facts)
    from kiosk.display import DisplayWindow
    return DisplayWindow(ops, sync, directory, devices.announcer, notice=config.notice,
                         repeat=config.announce_repeat, pin=config.admin_pin, facts=facts, now=clock)


class Kiosk:
    """Everything `python -m kiosk` runs, built in one place so a benchmark or a test can build exactly the
    same objects: the cache, the sync engine and its loop, the devices, and the mode's window."""

    def __init__(self, config, app, *, demo: bool = False, clock=None) -> None:  # noqa: ANN001
        from gui.ops import Ops
        from kiosk.devices import build
        from gui.device_health import HealthReporter
        from shared.queue.clock import CHINA_TZ
        from kiosk.services.reference import load_directory
        from shared.sync.client import SyncClient
        from shared.sync.loop import SyncLoop
        from shared.sync.transport import HttpTransport

        self.config, self.app = config, app
        self.engine = prepare_cache(config.cache_path, demo)
        self.registered = bool(config.device_id and config.token)
        self.sync = SyncClient(self.engine, device_id=config.device_id or f"unregistered-{uuid.uuid4()}",
                               token=config.token, transport=HttpTransport(config.server, ca_file=config.server_ca),
                               wall_ms=clock.wall_ms if clock is not None else None)
        try:
            self.directory = load_directory(self.engine, config.hall or None)
        except LookupError:  # a newly provisioned kiosk: its hall comes with the first pull
            directory = first_pull(self.sync, self.engine, config.hall) if self.registered else None
            if directory is None:
                raise
            self.directory = directory
        self.loop = SyncLoop(self.sync)  # wakes on every command queued through self.sync
        self.devices = build(config, app)
        self.ops = Ops()
        self.health = HealthReporter(self.sync, self.ops, clock or (lambda: dt.datetime.now(CHINA_TZ)))
        for part, loop in self.devices.parts():
            self.health.watch(loop, part)  # an unplugged reader or printer out of paper reaches the supervisor
        self.window = build_window(config, self.ops, self.sync, self.directory, self.devices, self.facts, clock,
                                   self.health)
        self.window.sig_exit.connect(app.quit)

    def facts(self) -> list[tuple[str, str]]:
        c = self.config
        return [("大厅", self.directory.hall_name), ("模式", c.mode), ("设备编号", self.sync.device_id),
                ("设备令牌", "已配置" if self.registered else "未注册（仅本机运行）"), ("服务器", c.server),
                ("本地缓存", str(c.cache_path)), ("外设", self.devices.names())]

    def start(self, windowed: bool = False) -> None:
        if self.registered:
            self.loop.start()
        self.devices.start()
        self.window.showNormal() if windowed else self.window.showFullScreen()

    def stop(self) -> None:
        self.window.close()
        self.ops.wait()
        self.devices.stop()
        if self.registered:
            self.loop.stop()


def _enrol(args: argparse.Namespace, app) -> int:  # noqa: ANN001
    """Register on the kiosk's own screen (kiosk/screens/enrol_screen.py) when the config holds no credentials
    yet: it reads the admin's QR code from the [scanner] or the [camera] and writes the credentials into the
    file. 0 to go on starting the kiosk in its mode."""
    from pathlib import Path

    from drivers.core.errors import ConfigError
    from gui.ops import Ops
    from gui.qt import QEventLoop
    from kiosk.enrol import needs_enrolment
    from kiosk.screens.enrol_screen import EnrolScreen
    if not args.config:
        print("kiosk: --enrol needs --config (the file with the [scanner] or [camera] section; the kiosk writes "
              "its credentials into it)", file=sys.stderr)
        return 2
    path = Path(args.config)
    try:
        if not needs_enrolment(path):
            return 0
        ops = Ops()
        screen = EnrolScreen(path, args.mode, ops)
    except ConfigError as exc:
        print(f"kiosk: [{exc.code}] {exc.message}", file=sys.stderr)
        return 2
    if not screen.readers:
        print(f"kiosk: [enrol_no_scanner] {path}: no [scanner] or [camera] section to read the registration "
              f"code with", file=sys.stderr)
        return 2
    loop = QEventLoop()
    screen.sig_enrolled.connect(lambda _path: loop.quit())
    screen.showNormal() if args.windowed else screen.showFullScreen()
    screen.start()
    loop.exec()
    screen.stop()
    ops.wait()
    screen.close()
    return 0 if screen.done else 2


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if args.mode == "controller":  # headless: no Qt application at all
        from kiosk.controller.app import run
        return run(args.config, args.server, args.at, args.cache)
    from gui.app import application
    from gui.qt import QTimer
    from kiosk import config as kiosk_config

    app = application(f"GovHall Kiosk ({args.mode})")
    if args.enrol:  # first start: registered on its own screen, then it starts as usual
        code = _enrol(args, app)
        if code:
            return code

    config = kiosk_config.load(args.config, args.mode, args.server)
    if args.cache:
        config.cache = __import__("pathlib").Path(args.cache)
    clock = None
    if args.at:
        from shared import simulated_clock
        from shared.queue.clock import CHINA_TZ
        try:
            clock = simulated_clock.parse(args.at, CHINA_TZ)
        except ValueError as exc:
            print(f"kiosk: --at: {exc}", file=sys.stderr)
            return 2
    try:
        kiosk = Kiosk(config, app, demo=args.demo, clock=clock)
    except LookupError as exc:
        print(f"kiosk: {exc}; provision this device (python -m server provision) and start it while the "
              f"server is reachable, or start with --demo", file=sys.stderr)
        return 2
    window = kiosk.window
    kiosk.start(args.windowed)
    if args.exit_when_ready:
        def ready() -> None:  # usable = laid out, painted, and (dispenser) the quota badges filled in
            if not getattr(window, "ready", lambda: True)():
                QTimer.singleShot(5, ready)
                return
            print(f"kiosk ready in {time.perf_counter() - STARTED:.3f} s", flush=True)
            app.quit()
        QTimer.singleShot(0, ready)
    try:
        return app.exec()
    finally:
        kiosk.stop()
