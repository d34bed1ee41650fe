"""`python -m drivers.sim <device> [options]`: run a device simulator by hand (demos, manual tests).

Each simulator speaks the device's real wire protocol on a pty (default; the path is printed, and
`--link PATH` makes a stable symlink to it) or on a TCP port on 127.0.0.1 (`--tcp PORT`, 0 = any free port).
It runs until Ctrl-C or `--duration` seconds. The first line printed says where it listens."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time

from drivers.sim.host import SimHost

KEY_NAMES = {"next": "CALL_NEXT", "recall": "RECALL", "call": "CALL_SPECIFIC", "pause": "PAUSE",
             "resume": "RESUME", "hold": "HOLD", "transfer": "TRANSFER", "evaluate": "EVALUATE",
             "query": "QUERY_WAITING", "toggle": "PAUSE_TOGGLE", "enter": "ENTER", "clear": "CLEAR"}


def _endpoint_args(p: argparse.ArgumentParser) -> None:
    g = p.add_mutually_exclusive_group()
    g.add_argument("--pty", action="store_true", help="serve on a new pty (default)")
    g.add_argument("--tcp", type=int, metavar="PORT", help="serve on 127.0.0.1:PORT (0 = any free port)")
    p.add_argument("--link", default="", help="with --pty: also create this symlink to the pty")
    p.add_argument("--duration", type=float, default=0,
                   help="stop after this many seconds (0 = until Ctrl-C)")


def _addresses(text: str) -> list[int]:
    try:
        out = [int(a) for a in text.split(",") if a.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError("addresses are numbers: 1 or 1,2,3") from None
    if not out or len(set(out)) != len(out):
        raise argparse.ArgumentTypeError("give each address once")
    return out


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m drivers.sim", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="device", required=True)

    p = sub.add_parser("idcard", help="GA 467 resident ID card reader")
    _endpoint_args(p)
    p.add_argument("--card-type", choices=["resident", "I", "J"], default="resident")
    p.add_argument("--no-card", action="store_true", help="start with no card on the reader")
    p.add_argument("--represent-after", type=float, default=3.0,
                   help="seconds after a read until the card counts as lifted and presented again")
    p.add_argument("--read-status", type=lambda s: int(s, 16), default=0x90,
                   help="SW3 answered to reads, hex (41 read failed, 31 auth failed, 40 wrong card)")
    p.add_argument("--corrupt", type=int, default=0, help="corrupt the checksum of the next N answers")
    p.add_argument("--garbage", default="", help="hex bytes sent before every answer")
    p.add_argument("--silent", type=int, default=0, help="ignore the next N requests")
    p.add_argument("--read-delay", type=float, default=1.0, help="seconds a read takes (real readers: 1-2)")
    p.add_argument("--stdin", action="store_true",
                   help="swipe by hand: each line on stdin presents the card once (`swipe`, or `swipe:NAME,"
                        "17-DIGITS` for another person); `remove` takes it away. Implies --no-card and that a "
                        "read card stays lifted until the next swipe")

    p = sub.add_parser("keypad", help="calling keypad (any keypad description) pressing keys")
    _endpoint_args(p)
    p.add_argument("--address", type=int, default=1)
    p.add_argument("--protocol", default="govhall-1",
                   help="keypad description: a shipped name (govhall-1, wireless-15key) or a .toml file")
    p.add_argument("--press", default="", help="comma-separated keys: " + ", ".join(KEY_NAMES)
                   + " (call:A023, transfer:5)")
    p.add_argument("--interval", type=float, default=2.0, help="seconds between presses")
    p.add_argument("--stdin", action="store_true", help="also read key names from stdin, one per line")

    p = sub.add_parser("printer", help="ESC/POS printer: captures bytes, answers DLE EOT status")
    _endpoint_args(p)
    p.add_argument("--paper-out", action="store_true")
    p.add_argument("--cover-open", action="store_true")
    p.add_argument("--near-end", action="store_true")
    p.add_argument("--paper-left", type=int, default=None, help="bytes until the paper runs out")
    p.add_argument("--silent", action="store_true", help="never answer status queries")
    p.add_argument("--capture", default="", help="write the printed bytes to this file")
    p.add_argument("--encoding", default="gb18030", help="to show printed text on the console")
    p.add_argument("--stdin", action="store_true",
                   help="change the printer by hand, a line per change: paper-out, refill, cover-open, cover-close, "
                        "near-end, offline, online")

    p = sub.add_parser("led", help="Onbon BX-5/6 LED controller (several: one card per address)")
    _endpoint_args(p)
    p.add_argument("--address", type=_addresses, default=[1],
                   help="the card's bus address; a comma list (1,2,3,200) runs one simulated card per address, "
                        "each on its own pty (--link PREFIX makes PREFIX-<address>) or its own TCP port")
    p.add_argument("--no-escape", action="store_true", help="plain frames (no A5/5A escaping)")
    p.add_argument("--encoding", default="gbk")

    p = sub.add_parser("scanner", help="serial/CDC QR and barcode scanner")
    _endpoint_args(p)
    p.add_argument("--codes", default="", help="comma-separated codes to scan")
    p.add_argument("--interval", type=float, default=2.0)
    p.add_argument("--terminator", choices=["cr", "crlf", "lf"], default="crlf")
    p.add_argument("--stdin", action="store_true", help="also scan lines typed on stdin")

    p = sub.add_parser("pcsc", help="pcscd + vpcd with our virtual ID card (needs root for a private pcscd)")
    p.add_argument("--serial", default="0123456789ABCDEF", help="chip serial (8 bytes hex)")
    p.add_argument("--duration", type=float, default=0)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    if args.device == "pcsc":
        from drivers.sim.runners import run_pcsc

        return run_pcsc(args, stop)
    from drivers.sim import runners

    if args.device == "led" and len(args.address) > 1:
        return runners.run_led_cards(args, stop)
    if args.device == "led":
        args.address = args.address[0]
    model, on_tick = getattr(runners, f"make_{args.device}")(args)
    host = SimHost(model, kind="tcp" if args.tcp is not None else "pty", tcp_port=args.tcp or 0,
                   link_path=args.link).start()
    try:
        print(f"{args.device} simulator listening on {host.url}", flush=True)
        started = time.monotonic()
        while not stop.wait(0.1):
            on_tick(host, time.monotonic() - started)
            if args.duration and time.monotonic() - started >= args.duration:
                break
    finally:
        host.stop()
        print(f"{args.device} simulator stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
