"""First start of a new kiosk (扫码登记): `python -m kiosk --mode MODE --config FILE --enrol`. The file names
only the devices (its scanner among them) and no credentials yet; the kiosk waits for the admin's registration
QR code on its scanner, redeems the one-time code at the server the code names, and writes its `[kiosk]`
section (device id, token, hall, …) into the file, keeping the device sections. Then it starts as usual.

Runs before the Qt application exists (nothing on screen to keep responsive yet): it reads the scanner and
the network on the calling thread and says what it waits for on standard output."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Iterable
from pathlib import Path

from drivers.config import load_config
from shared.config_toml import render_toml
from shared.protocol.registration import REGISTER_PATH, RegistrationQrInvalid, is_registration, parse
from shared.sync.transport import HttpTransport, Reply, TransportError

ENROL_TIMEOUT = 600.0  # seconds the kiosk waits for a code before giving up (the installer starts it again)


class EnrolFailed(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


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


def redeem(payload: str, mode: str, post: Callable[[str, str, dict], Reply] | None = None) -> str:
    """The scanned registration QR redeemed at its server; returns the config text (EnrolFailed otherwise)."""
    try:
        qr = parse(payload)
    except RegistrationQrInvalid as exc:
        raise EnrolFailed(exc.code, f"not a usable registration code ({exc.details.get('reason')})") from None
    if qr.kind != mode:
        raise EnrolFailed("registration_kind_mismatch", f"this code registers a {qr.kind}, this is a {mode}")
    post = post or _post
    try:
        reply = post(qr.server, REGISTER_PATH, {"code": qr.code, "kind": mode})
    except TransportError as exc:
        raise EnrolFailed("enrol_server_unreachable", f"cannot reach {qr.server}: {exc}") from None
    if reply.status != 201 or not isinstance(reply.body, dict) or "config" not in reply.body:
        message = reply.body.get("error", {}).get("message", "") if isinstance(reply.body, dict) else ""
        raise EnrolFailed(reply.error_code or f"http_{reply.status}", message or "the server refused the code")
    return reply.body["config"]


def _post(server: str, path: str, body: dict) -> Reply:
    transport = HttpTransport(server)
    try:
        return transport.request("POST", path, json=body, timeout=10.0)
    finally:
        transport.close()


def merged(path: Path, config_text: str) -> str:
    """The server's config (its [kiosk] section first) with the file's own sections kept: a key the file set
    in [kiosk] (e.g. admin_pin, cache) stays unless the server's config sets it."""
    given = tomllib.loads(config_text)
    own = tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    sections = {"kiosk": {**own.get("kiosk", {}), **given.get("kiosk", {})}}
    for name, values in {**own, **given}.items():
        if name != "kiosk" and isinstance(values, dict):
            sections[name] = {**own.get(name, {}), **given.get(name, {})}
    return render_toml(sections, header="GovHall kiosk — registered by scanning the admin's code.\n"
                                        "It holds this device's token; keep it private.")


def enrol(path: Path, mode: str, codes: Callable[[float], Iterable[str]], *,
          post: Callable[[str, str, dict], Reply] | None = None, timeout: float = ENROL_TIMEOUT,
          say: Callable[[str], None] = lambda text: print(text, flush=True)) -> None:
    """Wait for a registration code, redeem it and write the file (owner-only: it holds the token). A code that
    is refused is reported and the kiosk waits for the next one."""
    import time
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
            content = merged(path, text)
            fresh = path.with_name(path.name + ".new")  # written whole, owner-only, then put in place
            fd = os.open(fresh, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(content)
            os.chmod(fresh, 0o600)
            os.replace(fresh, path)
            say(f"kiosk: 已登记，配置已写入 {path} (registered)")
            return
    raise EnrolFailed("enrol_timeout", f"no registration code scanned in {timeout:.0f} s")
