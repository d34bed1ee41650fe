"""Bootstrap: `python -m kiosk --mode dispenser|evaluator|display [--config FILE] [--server URL]`.

Opens the local cache (synchronous=FULL: kiosks lose power), starts the sync loop and the devices, and shows
the mode full screen. `--demo` fills an empty cache with the demo hall (a kiosk without a server yet);
`--exit-when-ready` prints the start-up time once the first screen is usable and quits (bench/kiosk.py)."""

from __future__ import annotations

import argparse
import sys
import time
import uuid

STARTED = time.perf_counter()
FIRST_PULL_WAIT = 60.0  # seconds a fresh kiosk waits for the server before giving up


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m kiosk", description="GovHall kiosk (取号机 / 评价器 / 集中显示屏)")
    p.add_argument("--mode", choices=("dispenser", "evaluator", "display"), required=True)
    p.add_argument("--config", help="TOML/INI file: [kiosk] and device sections")
    p.add_argument("--server", help="server URL (overrides the config)")
    p.add_argument("--cache", help="local cache file (overrides the config)")
    p.add_argument("--demo", action="store_true", help="load the demo hall into an empty cache")
    p.add_argument("--windowed", action="store_true", help="a window instead of full screen (development)")
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


def build_window(config, ops, sync, directory, devices, facts):  # noqa: ANN001, ANN201
    if config.mode == "dispenser":
        from kiosk.dispenser import DispenserWindow
        from kiosk.services.issuing import TicketDesk
        desk = TicketDesk(sync, directory, index_key=config.person_index_key)
        desk.track_today()
        return DispenserWindow(ops, desk, printer=devices.printer, idcard=devices.idcard,
                               scanners=devices.scanners,
                               pin=config.admin_pin, follow_url=config.follow_url, facts=facts)
    if config.mode == "evaluator":
        from kiosk.evaluator import EvaluatorWindow
        from kiosk.services.rating import RatingDesk
        window = next((w for w in directory.windows if w.number == config.window), directory.windows[0])
        return EvaluatorWindow(ops, RatingDesk(sync, directory, window.id), keypad=devices.keypad,
                               pin=config.admin_pin, facts=facts)
    from kiosk.display import DisplayWindow
    return DisplayWindow(ops, sync, directory, devices.announcer, notice=config.notice,
                         repeat=config.announce_repeat, pin=config.admin_pin, facts=facts)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    from gui.ops import Ops
    from gui.app import application
    from gui.qt import QTimer
    from kiosk import config as kiosk_config
    from kiosk.devices import build
    from kiosk.services.reference import load_directory
    from shared.sync.client import SyncClient
    from shared.sync.loop import SyncLoop
    from shared.sync.transport import HttpTransport

    config = kiosk_config.load(args.config, args.mode, args.server)
    if args.cache:
        config.cache = __import__("pathlib").Path(args.cache)
    app = application(f"GovHall Kiosk ({args.mode})")
    engine = prepare_cache(config.cache_path, args.demo)
    registered = bool(config.device_id and config.token)
    sync = SyncClient(engine, device_id=config.device_id or f"unregistered-{uuid.uuid4()}",
                      token=config.token,
                      transport=HttpTransport(config.server))
    try:
        directory = load_directory(engine, config.hall or None)
    except LookupError as exc:
        directory = first_pull(sync, engine, config.hall) if registered else None
        if directory is None:
            print(f"kiosk: {exc}; provision this device (python -m server provision) and start it while the "
                  f"server is reachable, or start with --demo", file=sys.stderr)
            return 2
    loop = SyncLoop(sync)
    devices = build(config, app)
    ops = Ops()

    def facts() -> list[tuple[str, str]]:
        return [("大厅", directory.hall_name), ("模式", config.mode), ("设备编号", sync.device_id),
                ("设备令牌", "已配置" if registered else "未注册（仅本机运行）"), ("服务器", config.server),
                ("本地缓存", str(config.cache_path)), ("外设", devices.names())]

    window = build_window(config, ops, sync, directory, devices, facts)
    window.sig_exit.connect(app.quit)
    if registered:
        loop.start()
    devices.start()
    window.showNormal() if args.windowed else window.showFullScreen()
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
        window.close()
        ops.wait()
        devices.stop()
        if registered:
            loop.stop()
