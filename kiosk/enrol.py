"""First start of a new kiosk (扫码登记): `python -m kiosk --mode MODE --config FILE --enrol`. The file names
only the devices (its scanner among them) and no credentials yet; the kiosk waits for the admin's registration
QR code on its scanner, redeems the one-time code at the server the code names, and writes its `[kiosk]`
section (device id, token, hall, …) into the file, keeping the device sections. Then it starts as usual.

Runs before the Qt application exists (nothing on screen to keep responsive yet): it reads the scanner and
the network on the calling thread and says what it waits for on standard output."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path

from drivers.config import load_config
from shared.enrolment import EnrolFailed, Post, merged as merged_config, redeem as redeem_for, write_private
from shared.protocol.registration import is_registration

ENROL_TIMEOUT = 600.0  # seconds the kiosk waits for a code before giving up (the installer starts it again)
HEADER = ("GovHall kiosk — registered by scanning the admin's code.\n"
          "It holds this device's token; keep it private.")
__all__ = ["EnrolFailed", "enrol", "merged", "needs_enrolment", "redeem", "scanned_codes"]


def needs_enrolment(path: Path) -> bool:
    """No [kiosk] credentials in the file yet."""
    if not path.exists():
        return True
    kiosk = load_config(path).get("kiosk")
    return kiosk is None or not (kiosk.options.get("device_id") and kiosk.options.get("token"))


def scanned_codes(path: Path) -> Callable[[float], list[str]]:
    """The file's serial/CDC scanner ([scanner] section) as a poll function."""
    from drivers.factory import line_scanner
    settings = load_config(path).get("scanner")
    if settings is None:
        raise EnrolFailed("enrol_no_scanner", f"{path}: no [scanner] section to read the registration code with")
    scanner = line_scanner(settings)
    return scanner.poll


def redeem(payload: str, mode: str, post: Post | None = None) -> str:
    """The scanned registration QR redeemed at its server for this kiosk's mode (shared/enrolment.py)."""
    return redeem_for(payload, (mode,), post)


def merged(path: Path, config_text: str) -> str:
    """The server's config (its [kiosk] section first) with the file's own sections kept: a key the file set
    in [kiosk] (e.g. admin_pin, cache) stays unless the server's config sets it."""
    return merged_config(path, config_text, "kiosk", HEADER)


def enrol(path: Path, mode: str, codes: Callable[[float], Iterable[str]], *,
          post: Post | None = None, timeout: float = ENROL_TIMEOUT,
          say: Callable[[str], None] = lambda text: print(text, flush=True)) -> None:
    """Wait for a registration code, redeem it and write the file (owner-only: it holds the token). A code that
    is refused is reported and the kiosk waits for the next one."""
    say(f"kiosk: 请扫描管理员的设备登记二维码 (waiting for the registration QR code on the scanner, {mode})")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for payload in codes(0.2):
            if not is_registration(payload):
                say("kiosk: 这不是设备登记二维码 (not a registration code)")
                continue
            try:
                text = redeem(payload, mode, post)
            except EnrolFailed as exc:
                say(f"kiosk: 登记失败 [{exc.code}] {exc.message}")
                continue
            write_private(path, merged(path, text))
            say(f"kiosk: 已登记，配置已写入 {path} (registered)")
            return
    raise EnrolFailed("enrol_timeout", f"no registration code scanned in {timeout:.0f} s")
