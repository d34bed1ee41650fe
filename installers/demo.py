"""The README's run command (`installers/dev.sh run`): a connected demo hall in real processes. Migrates the
embedded SQLite database, loads the demo hall, starts the server, provisions a dispenser, the hall display, an
evaluator for window 1, a clerk workstation bound to window 1, an approver and a supervisor workstation through
the admin API (their config files under the data dir), and — when there is a screen — starts the device simulators, the
dispenser, the display, the evaluator and the clerk client, each its own process. Ctrl+C or SIGTERM stops
every process it started. `--check` runs the whole journey on a virtual screen (Xvfb) and exits non-zero on
any failure. `--at "2026-12-07 10:00"` runs every process on that day and time (libfaketime)."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import secrets
import signal
import sys
import time
from pathlib import Path

import requests

from installers.hall import CHINA, ROOT, Hall, HallError, pinned_clock_env, xcb_loads
from shared.protocol.endpoint import DEFAULT_PORT

# --check pins this moment: the journey needs an open hall whatever day and hour it runs (a Monday, 10:00).
CHECK_AT = "2026-12-07 10:00"
OPENS_AT, CLOSES_AT = dt.time(9, 0), dt.time(17, 30)  # the demo hall's hours (shared/demo/dongguan_hall.py)


class Stopped(Exception):
    """SIGTERM (systemd, a supervisor) takes the same way out as Ctrl+C."""


def _has_screen() -> bool:
    if os.environ.get("QT_QPA_PLATFORM", "") == "offscreen":
        return False
    return sys.platform in ("win32", "darwin") or bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _demo_keys(data_dir: Path) -> dict[str, str]:
    """Personal data is sealed with SM4-GCM; the server refuses to take ID numbers without keys. A real
    deployment sets GOVHALL_PII_KEYS / GOVHALL_PII_INDEX_KEY; the demo makes its own once, kept beside its data."""
    if os.environ.get("GOVHALL_PII_KEYS") and os.environ.get("GOVHALL_PII_INDEX_KEY"):
        return {}
    path = data_dir / "demo-keys.env"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(f"GOVHALL_PII_KEYS=demo1:{secrets.token_hex(16)}\n"
                        f"GOVHALL_PII_INDEX_KEY={secrets.token_hex(32)}\n", encoding="utf-8")
        path.chmod(0o600)
        print(f"generated demo keys for personal data in {path} (set GOVHALL_PII_KEYS in production)")
    return dict(line.split("=", 1) for line in path.read_text(encoding="utf-8").split())


def parse_at(text: str) -> dt.datetime:
    try:
        return dt.datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=CHINA)
    except ValueError:
        raise argparse.ArgumentTypeError("--at takes China time as \"YYYY-MM-DD HH:MM\"") from None


def closed_reason(moment: dt.datetime) -> str | None:
    """Why the demo hall takes no tickets at this moment, or None when it is open."""
    from shared.calendar import CalendarNotPublished, WorkCalendar
    local = moment.astimezone(CHINA)
    try:
        workday = WorkCalendar().is_workday(local.date())
    except CalendarNotPublished:
        return f"{local.year} 年的节假日安排尚未公布（the {local.year} holiday calendar is not published）"
    if not workday:
        return f"{local:%Y-%m-%d} 不是工作日（not a working day）"
    if not OPENS_AT <= local.time() < CLOSES_AT:
        return f"现在 {local:%H:%M} 不在办理时间 {OPENS_AT:%H:%M}–{CLOSES_AT:%H:%M} 内（outside opening hours）"
    return None


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="installers/dev.sh run", description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("GOVHALL_PORT", DEFAULT_PORT)))
    parser.add_argument("--data-dir", default=os.environ.get("GOVHALL_DATA_DIR", str(ROOT / "data")))
    parser.add_argument("--check", action="store_true",
                        help="run the whole journey on a virtual screen (Xvfb) and stop; non-zero on any failure")
    parser.add_argument("--server-only", action="store_true",
                        help="only the server (with --check: verify /healthz and the catalogue, then stop)")
    parser.add_argument("--at", type=parse_at, metavar="\"YYYY-MM-DD HH:MM\"",
                        help=f"run every process at this China time (libfaketime); --check uses {CHECK_AT}")
    parser.add_argument("--screenshots", type=Path, help="--check: save every window's screenshots here")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    data_dir = Path(args.data_dir).resolve()
    env = dict(os.environ, GOVHALL_DATA_DIR=str(data_dir), GOVHALL_PORT=str(args.port), GOVHALL_DEMO_MODE="1")
    env.update(_demo_keys(data_dir))
    at = args.at or (parse_at(CHECK_AT) if args.check and not args.server_only else None)
    try:
        clock_env = pinned_clock_env(at) if at else {}
    except HallError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    hall = Hall(data_dir, args.port, env, clock_env, probes=args.check, record_speech=args.check)

    def on_term(signum, _frame) -> None:  # noqa: ANN001
        raise Stopped()

    signal.signal(signal.SIGTERM, on_term)
    # "Press Ctrl+C to stop": even when started from a shell's background job, which hands SIGINT down ignored
    # (Python then installs no KeyboardInterrupt handler, and Ctrl+C or `kill -INT` would do nothing).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        print(hall.load_demo())
        health = hall.start_server()
        items = requests.get(f"{hall.url}/api/v1/catalogue/items", timeout=5).json()
        print(f"\nGovHall server: {hall.url}  (database: {health['database']}, data: {data_dir})")
        print(f"  demo catalogue: {len(items)} items; API docs: {hall.url}/docs")
        print("  demo users: clerk / approver / supervisor / admin, password GovHall@2026")
        if at:
            print(f"  clock: every process runs at {at:%Y-%m-%d %H:%M} China time onwards (libfaketime)")
        if args.check and args.server_only:
            return 0
        if args.check:
            from installers.journey import run_check
            return run_check(hall, args.screenshots)
        if args.server_only or not _has_screen():
            if not args.server_only:
                print("  no screen found (DISPLAY/WAYLAND_DISPLAY unset): running the server alone")
            return _serve(hall)
        ok, detail = xcb_loads(env)
        if not ok and sys.platform.startswith("linux") and not os.environ.get("WAYLAND_DISPLAY"):
            print(f"  Qt cannot open this screen (its xcb plugin failed to load): running the server alone\n"
                  f"  {detail[-600:]}\n  installers/dev.sh setup (as root) installs the libraries it needs")
            return _serve(hall)
        _start_hall(hall, at)
        return _serve(hall)
    except HallError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except (KeyboardInterrupt, Stopped):
        return 0
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second SIGTERM must not cut the clean-up short
        hall.stop()
        print("stopped every process the demo started")


def _start_hall(hall: Hall, at: dt.datetime | None) -> None:
    hall.start_simulators()
    configs = hall.provision_all()
    hall.start_programs()
    p = hall.paths
    print("\nA connected demo hall (each its own process; output in", p.logs, "):")
    for process in hall.processes:
        print(f"  {process.name:<14} pid {process.popen.pid}")
    print("Config files (written by provisioning through POST /api/v1/sync/provision):")
    for name, path in configs.items():
        print(f"  {name:<10} {path}")
    print("Log in at the clerk client (window 1) as clerk / GovHall@2026.")
    print(f"An approver workstation is provisioned too: python -m client --data-dir {p.data / 'approver'}"
          " (log in as approver)")
    print(f"And a supervisor's (大厅看板, 差评整改): python -m client --data-dir {p.data / 'supervisor'}"
          " (log in as supervisor)")
    print("By hand, from another terminal:")
    print(f"  swipe an ID card at the dispenser   echo swipe > {p.pipe('idcard')}")
    print(f"    another person                    echo swipe:李四,44190019850615123 > {p.pipe('idcard')}")
    print("    then tap a business on the dispenser; the ticket prints to the printer simulator:")
    print(f"    {p.printed} (and {p.logs / 'sim-printer.log'})")
    print(f"  press 叫号 next at window 1's keypad echo next > {p.pipe('keypad')}   (also: recall, pause, …)")
    print(f"  swipe at the clerk's ID reader      echo swipe > {p.pipe('idcard-clerk')}")
    print(f"  the dispenser's paper runs out      echo paper-out > {p.pipe('printer')}   (refill: echo refill)")
    print(f"  scan a 粤省事码 at the dispenser     echo {hall.identity_code} > {p.pipe('scanner')}")
    print(f"    (the provincial gateway simulator {hall.identity_url} decodes it; an ID number itself:"
          f" echo GOVHALL-ID:11010519491231002X)")
    print("  a ticket by phone number           tap 手机号取号 on the dispenser, type a mobile number, 确认")
    print(f"  what the display said               {p.spoken}")
    print(f"  what the window LED screens show    {p.led_log}   (the hall controller drives them)")
    reason = closed_reason(at or dt.datetime.now(CHINA))
    if reason:
        # The dispenser itself refuses outside the businesses' hours; a rest day within those hours it does not
        # refuse yet (the working calendar is not part of the issuing rules), hence "may".
        print(f"\nNOTE: the demo hall is closed now: {reason}. Tickets may be refused or make little sense.\n"
              f"      To see a working day, restart with: installers/dev.sh run --at \"{CHECK_AT}\"")
    print("\nPress Ctrl+C to stop everything.\n", flush=True)


def _serve(hall: Hall) -> int:
    server = hall.process("server")
    if len(hall.processes) == 1:
        print("Press Ctrl+C to stop.\n", flush=True)
    reported: set[str] = set()
    while server.alive:
        for process in hall.processes:
            if not process.alive and process.name not in reported:
                reported.add(process.name)
                print(f"the {process.name} exited with code {process.popen.returncode}; see {process.log}",
                      flush=True)
        time.sleep(0.5)
    return server.popen.returncode


if __name__ == "__main__":
    sys.exit(main())
