"""`python -m server provision --kind K --hall CODE [--window N] --out FILE [--server URL]`: the admin API's
provisioning (server/sync/provisioning.py) run on the server's own database, for installers at the server."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from server.core.settings import Settings
from server.store.audit import audit
from server.store.database import Database
from server.sync.errors import SyncError
from server.sync.provisioning import provision
from shared.crypto.keys import KeyUnavailable, keys_from_environment

WILDCARD_HOSTS = ("0.0.0.0", "::", "")


def _server_url(args: argparse.Namespace, settings: Settings) -> str | None:
    if args.server:
        return args.server.rstrip("/")
    if settings.host in WILDCARD_HOSTS:  # listening everywhere says nothing about the address devices use
        return None
    return f"http://{settings.host}:{settings.port}"


def run(args: argparse.Namespace, settings: Settings, database: Database) -> int:
    url = _server_url(args, settings)
    if url is None:
        print("error: the server listens on every address; say which one devices use with --server URL",
              file=sys.stderr)
        return 2
    out = Path(args.out)
    if out.exists() and out.is_dir():
        print(f"error: --out {out} is a directory; name the file (a workstation's is workstation.toml)",
              file=sys.stderr)
        return 2
    try:
        keys = keys_from_environment()  # dispensers get the ticket key, workstations the verification key
    except KeyUnavailable:
        keys = None
    try:
        with database.session() as session:
            done = provision(session, kind=args.kind, hall_code=args.hall, window_number=args.window,
                             server_url=url, name=args.name, keys=keys,
                             server_ca=args.server_ca or "",
                             led_port=getattr(args, "led_port", "/dev/ttyUSB0"))
            audit(session, action="device_provision", outcome="success", actor="cli", target=done.device_id, kind=args.kind,
                  hall=args.hall, window=args.window)
    except SyncError as exc:
        print(f"error [{exc.code}]: {exc.message} {exc.details or ''}".rstrip(), file=sys.stderr)
        return 2
    out.parent.mkdir(parents=True, exist_ok=True)
    # The file holds the device token: readable by its owner only.
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(done.config)
    start = (f"python -m client --data-dir {out.parent}" if done.kind.device_kind == "workstation"
             else f"python -m kiosk --mode {done.kind.device_kind} --config {out}")
    print(f"provisioned {done.kind.name} {done.device_id} for hall {done.hall_code}"
          + (f" window {done.window_number}" if done.window_number else "") + f"; config written to {out}")
    print(f"start it with: {start}")
    if done.kind.device_kind == "workstation" and out.name != "workstation.toml":
        print("note: the client reads <data dir>/workstation.toml; rename the file or copy it there")
    return 0
