"""Redeeming a scanned registration QR code (扫码登记) and writing the device's own config file with what the
server answers: one place for every device program that registers itself — a kiosk (`python -m kiosk --enrol`,
kiosk/enrol.py) and the desktop client's first start (client/windows/enrol.py). Qt-free; the caller decides on
which thread the network and the disk are used."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Collection
from pathlib import Path

from shared.config_toml import render_toml
from shared.protocol.registration import REGISTER_PATH, RegistrationQrInvalid, parse
from shared.sync.transport import HttpTransport, Reply, TransportError

Post = Callable[[str, str, dict], Reply]


class EnrolFailed(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def redeem(payload: str, kinds: Collection[str], post: Post | None = None) -> str:
    """The scanned registration QR redeemed at its server for one of `kinds` (what this program can run as);
    returns the config text the server rendered, or raises EnrolFailed saying why not."""
    try:
        qr = parse(payload)
    except RegistrationQrInvalid as exc:
        raise EnrolFailed(exc.code, f"not a usable registration code ({exc.details.get('reason')})") from None
    if qr.kind not in kinds:
        runs_as = " or ".join(sorted(kinds))
        raise EnrolFailed("registration_kind_mismatch",
                          f"this code registers a {qr.kind}, this program runs as {runs_as}")
    post = post or _post
    try:
        reply = post(qr.server, REGISTER_PATH, {"code": qr.code, "kind": qr.kind})
    except TransportError as exc:
        raise EnrolFailed("enrol_server_unreachable", f"cannot reach {qr.server}: {exc}") from None
    body = reply.body if isinstance(reply.body, dict) else {}
    if reply.status != 201 or not isinstance(body.get("config"), str):
        error = body.get("error")
        message = error.get("message", "") if isinstance(error, dict) else ""
        code = reply.error_code or f"http_{reply.status}"
        raise EnrolFailed(code, message or "the server refused the code")
    return reply.body["config"]


def _post(server: str, path: str, body: dict) -> Reply:
    transport = HttpTransport(server)
    try:
        return transport.request("POST", path, json=body, timeout=10.0)
    finally:
        transport.close()


def merged(path: Path, config_text: str, main: str, header: str) -> str:
    """The server's config (its `main` section first) with the file's own sections kept: a key the file set
    (a device section, a local option in `main`) stays unless the server's config sets it."""
    given = tomllib.loads(config_text)
    own = tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    sections = {main: {**own.get(main, {}), **given.get(main, {})}}
    for name, values in {**own, **given}.items():
        if name != main and isinstance(values, dict):
            sections[name] = {**own.get(name, {}), **given.get(name, {})}
    return render_toml(sections, header=header)


def write_private(path: Path, content: str) -> None:
    """Written whole and owner-only (it holds the device's token), then put in place: a crash leaves the old
    file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fresh = path.with_name(path.name + ".new")
    fd = os.open(fresh, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(content)
        f.flush()
        os.fsync(f.fileno())
    os.chmod(fresh, 0o600)
    os.replace(fresh, path)
