"""Builds simulator models from command-line arguments and prints what they see (for drivers.sim.cli)."""

from __future__ import annotations

import os
import select
import sys
import time

from drivers.keypad.codec import Key, PadKey


def _noop(host, elapsed) -> None:
    pass


_typed = bytearray()


def stdin_lines() -> list[str]:
    """Every whole line typed on stdin so far, without waiting. Read from the descriptor, not sys.stdin's
    buffer: lines written together (a PIN's digits) arrive in one read, and a buffered readline would leave
    all but the first where select cannot see them."""
    while select.select([sys.stdin], [], [], 0)[0]:
        chunk = os.read(sys.stdin.fileno(), 4096)
        if not chunk:
            break
        _typed.extend(chunk)
    *lines, rest = bytes(_typed).split(b"\n")
    _typed[:] = rest
    return [line.decode("utf-8", errors="replace").strip() for line in lines]


def swiped_card(line: str, card_type: str):
    """`swipe` → the sample card; `swipe:NAME,17-DIGITS` → a resident card for that person (the check
    character is computed), so one hand-driven reader can stand for many applicants."""
    from drivers.sim.idcard import sample_card, sample_id_number

    _, _, who = line.partition(":")
    if not who.strip():
        return sample_card("" if card_type == "resident" else card_type)
    name, _, first17 = who.partition(",")
    first17 = first17.strip()
    if len(first17) != 17 or not first17.isdigit() or not name.strip():
        raise ValueError("swipe:NAME,17-DIGITS")
    return sample_card(name=name.strip(), id_number=sample_id_number(first17))


def make_idcard(args):
    from drivers.sim.idcard import IdCardScenario, IdCardSimulator, sample_card

    card = sample_card("" if args.card_type == "resident" else args.card_type)
    by_hand = getattr(args, "stdin", False)
    scenario = IdCardScenario(card_present=not (args.no_card or by_hand),
                              represent_after=None if by_hand else args.represent_after,
                              read_status=args.read_status, corrupt_answers=args.corrupt,
                              garbage_before=bytes.fromhex(args.garbage), silent=args.silent,
                              read_delay=args.read_delay)
    sim = IdCardSimulator(card, scenario)
    seen = [0]

    def tick(host, elapsed) -> None:
        if sim.reads != seen[0]:
            seen[0] = sim.reads
            print(f"card read #{sim.reads}", flush=True)
        if by_hand and select.select([sys.stdin], [], [], 0)[0]:
            line = sys.stdin.readline().strip()
            if line == "remove":
                sim.remove()
                print("card removed", flush=True)
            elif line == "" or line.startswith("swipe"):
                try:
                    sim.present(swiped_card(line, args.card_type))
                    print("card presented", flush=True)
                except ValueError as exc:
                    print(f"unknown card {line!r}: use {exc}", flush=True)
            else:
                print(f"unknown command {line!r}: swipe, swipe:NAME,17-DIGITS or remove", flush=True)

    return sim, tick


def parse_key(spec: str) -> tuple[Key | PadKey, dict]:
    name, _, arg = spec.strip().partition(":")
    from drivers.sim.cli import KEY_NAMES

    if len(name) == 1 and name.isdigit():
        return PadKey.DIGIT, {"digit": name}
    key = Key.__members__.get(KEY_NAMES[name]) or PadKey[KEY_NAMES[name]]
    if key == Key.CALL_SPECIFIC:
        return key, {"ticket": arg.upper()}
    if key == Key.TRANSFER:
        return key, {"target_window": int(arg or 0)}
    return key, {}


def make_keypad(args):
    from drivers.sim.keypad import KeypadSimulator

    sim = KeypadSimulator(address=args.address, codec=args.protocol)
    presses = [parse_key(s) for s in args.press.split(",") if s.strip()]
    typed: list[tuple] = []  # by hand on stdin: pressed at once, in order, a key per tick
    state = {"next": 0.0, "replies": 0}

    def press(key, extra) -> None:
        try:
            sim.press(key, **extra)
            print(f"pressed {key.name} {extra or ''}".rstrip(), flush=True)
        except ValueError as exc:  # a key this keypad's protocol does not have
            print(f"cannot press {key.name}: {exc}", flush=True)

    def tick(host, elapsed) -> None:
        for line in stdin_lines() if args.stdin else ():
            if line:
                try:
                    typed.append(parse_key(line))
                except (KeyError, ValueError):
                    print(f"unknown key {line!r}", flush=True)
        if typed:
            press(*typed.pop(0))
        elif presses and elapsed >= state["next"]:
            press(*presses.pop(0))
            state["next"] = elapsed + args.interval
        while len(sim.replies) > state["replies"]:
            r = sim.replies[state["replies"]]
            state["replies"] += 1
            beep = "  BEEP" if r.beep else ""
            print(f"LCD: current {r.current or '-'}  waiting {r.waiting}{beep}", flush=True)

    return sim, tick


# What a person does to a printer, typed on the simulator's stdin (--stdin): the status it answers changes at once.
PRINTER_COMMANDS = {"paper-out": ("paper_out", True), "refill": ("paper_out", False),
                    "cover-open": ("cover_open", True), "cover-close": ("cover_open", False),
                    "near-end": ("near_end", True), "offline": ("offline", True), "online": ("offline", False)}


def make_printer(args):
    from drivers.sim.printer import PrinterSimulator

    sim = PrinterSimulator()
    sim.paper_out, sim.cover_open, sim.near_end = args.paper_out, args.cover_open, args.near_end
    sim.paper_left, sim.silent = args.paper_left, args.silent
    state = {"size": 0, "quiet_since": time.monotonic()}

    def tick(host, elapsed) -> None:
        for line in stdin_lines() if args.stdin else ():
            if line in PRINTER_COMMANDS:
                attribute, value = PRINTER_COMMANDS[line]
                setattr(sim, attribute, value)
                if line == "refill":  # a full roll
                    sim.near_end, sim.paper_left = False, None
                print(f"printer: {line}", flush=True)
            elif line:
                print(f"unknown command {line!r}: " + ", ".join(PRINTER_COMMANDS), flush=True)
        if len(sim.job) != state["size"]:
            state["size"], state["quiet_since"] = len(sim.job), time.monotonic()
            if args.capture:
                with open(args.capture, "wb") as f:
                    f.write(bytes(sim.job))
        elif state["size"] and time.monotonic() - state["quiet_since"] > 0.5:
            text = "".join(c for c in sim.jobs_text(args.encoding) if c.isprintable() or c == "\n")
            print(f"printed {state['size']} bytes:\n{text}", flush=True)
            state["quiet_since"] = float("inf")

    return sim, tick


def make_led(args):
    from drivers.sim.led import LedSimulator

    sim = LedSimulator(address=args.address, escape=not args.no_escape, encoding=args.encoding)
    state = {"shown": 0, "errors": 0}

    def tick(host, elapsed) -> None:
        while len(sim.history) > state["shown"]:
            print(f"LED shows: {sim.history[state['shown']]}", flush=True)
            state["shown"] += 1
        while len(sim.errors) > state["errors"]:
            print(f"LED rejected a frame: {sim.errors[state['errors']].code}", flush=True)
            state["errors"] += 1

    return sim, tick


def run_led_cards(args, stop) -> int:
    """Several LED cards in one process, each its own simulator on its own pty or port (a hall's window screens
    and strip without a process each). Prints where each listens and each whole screen it is sent."""
    from drivers.sim.host import SimHost
    from drivers.sim.led import LedSimulator

    cards = []
    for address in args.address:
        sim = LedSimulator(address=address, escape=not args.no_escape, encoding=args.encoding)
        link = f"{args.link}-{address}" if args.link and args.tcp is None else ""
        host = SimHost(sim, kind="tcp" if args.tcp is not None else "pty", tcp_port=0, link_path=link).start()
        cards.append((address, sim, host, {"shown": 0, "errors": 0}))
        print(f"led card {address} simulator listening on {host.url}", flush=True)
    print(f"led simulator listening on {len(cards)} cards", flush=True)
    started = time.monotonic()
    try:
        while not stop.wait(0.1):
            for address, sim, _, seen in cards:
                if len(sim.history) > seen["shown"]:
                    seen["shown"] = len(sim.history)
                    texts = " / ".join(sim.texts[k] for k in sorted(sim.texts))
                    print(f"card {address} shows: {texts}", flush=True)
                while len(sim.errors) > seen["errors"]:
                    print(f"card {address} rejected a frame: {sim.errors[seen['errors']].code}", flush=True)
                    seen["errors"] += 1
            if args.duration and time.monotonic() - started >= args.duration:
                break
    finally:
        for _, _, host, _ in cards:
            host.stop()
        print("led simulator stopped", flush=True)
    return 0


def make_scanner(args):
    from drivers.sim.scanner import ScannerSimulator

    sim = ScannerSimulator(terminator={"cr": b"\r", "crlf": b"\r\n", "lf": b"\n"}[args.terminator])
    codes = [c for c in args.codes.split(",") if c]
    state = {"next": 0.0}

    def tick(host, elapsed) -> None:
        if codes and elapsed >= state["next"]:
            code = codes.pop(0)
            sim.scan(code)
            print(f"scanned {code}", flush=True)
            state["next"] = elapsed + args.interval
        if args.stdin and select.select([sys.stdin], [], [], 0)[0]:
            line = sys.stdin.readline().strip()
            if line:
                sim.scan(line)
                print(f"scanned {line}", flush=True)

    return sim, tick


def run_pcsc(args, stop) -> int:
    from drivers.sim.pcscd import PcscdUnavailable, PrivatePcscd
    from drivers.sim.vicc import VirtualIdCard, VpcdCardClient

    try:
        daemon = PrivatePcscd().start()
    except PcscdUnavailable as exc:
        print(f"cannot start pcscd: {exc}", file=sys.stderr)
        return 1
    client = VpcdCardClient(VirtualIdCard(serial=bytes.fromhex(args.serial)), port=daemon.port)
    try:
        client.insert()
        print(f"pcsc simulator: reader '{daemon.reader_name} 00 00', card inserted; "
              f"export PCSCLITE_CSOCK_NAME={daemon.socket_path}", flush=True)
        started = time.monotonic()
        while not stop.wait(0.2):
            if args.duration and time.monotonic() - started >= args.duration:
                break
    finally:
        client.remove()
        daemon.stop()
        print("pcsc simulator stopped", flush=True)
    return 0
