"""`python -m server [serve|migrate|load-demo|provision|create-admin|verify-audit|storage-copy]` — see README (serve is the default)."""

from __future__ import annotations

import argparse
import logging
import os
from datetime import datetime, timezone
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from server.core.settings import Settings

if TYPE_CHECKING:  # imported where used: a supervisor of several workers never loads the database layer
    from server.store.database import Database


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m server", description="GovHall central server")
    # --host/--port belong to serve, the default command, so they are accepted with or without its name.
    parser.add_argument("--host", help="address to listen on (serve)")
    parser.add_argument("--port", type=int, help="port to listen on (serve)")
    sub = parser.add_subparsers(dest="command")
    serve = sub.add_parser("serve", help="migrate, then serve the API (default)")
    serve.add_argument("--host", default=argparse.SUPPRESS)
    serve.add_argument("--port", type=int, default=argparse.SUPPRESS)
    serve.add_argument("--tls-cert", default=argparse.SUPPRESS, help="PEM certificate chain: serve HTTPS")
    serve.add_argument("--tls-key", default=argparse.SUPPRESS, help="PEM private key of --tls-cert")
    serve.add_argument("--workers", type=int, default=1, help="uvicorn worker processes (default 1)")
    serve.add_argument("--no-access-log", action="store_true", help="do not log every request")
    sub.add_parser("migrate", help="bring the database up to date and exit")
    sub.add_parser("load-demo", help="load the demo centre and catalogue (idempotent)")
    prov = sub.add_parser("provision", help="register a device for a hall and write its ready config file")
    prov.add_argument("--kind", required=True, help="dispenser | display | evaluator | clerk | approver | controller")
    prov.add_argument("--hall", required=True, help="the hall's code, e.g. DG-HALL-1")
    prov.add_argument("--window", type=int, help="window number (evaluator and clerk workstations)")
    prov.add_argument("--out", required=True, help="the config file to write (a workstation: its workstation.toml)")
    prov.add_argument("--server", help="the URL the device reaches this server at (default: this server's own)")
    prov.add_argument("--name", default="", help="a name for the device list")
    prov.add_argument("--server-ca", help="path of the hall CA file on the device: it then trusts only that CA")
    prov.add_argument("--led-port", default="/dev/ttyUSB0",
                      help="controller: the RS-485 port (or socket://host:port) of its LED cards, one per window")
    admin = sub.add_parser("create-admin", help="create an admin account (or reset an existing admin's password)")
    admin.add_argument("--username", required=True)
    admin.add_argument("--name", default="系统管理员", help="display name")
    admin.add_argument("--staff-no", help="staff number (default: the username)")
    admin.add_argument("--hall", help="the hall's code; omitted = an admin of every hall")
    admin.add_argument("--password-stdin", action="store_true", help="read the password from stdin (one line)")
    sub.add_parser("verify-audit", help="check the audit trail's hash chain; report the first broken link")
    from server.storage.copy_command import add_parser as add_storage_copy
    add_storage_copy(sub)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = Settings()
    for name in ("tls_cert", "tls_key"):
        if getattr(args, name, None):
            setattr(settings, name, Path(getattr(args, name)))
    if (settings.tls_cert is None) != (settings.tls_key is None):
        print("error: TLS needs both a certificate and its key (--tls-cert and --tls-key)", file=sys.stderr)
        return 2
    command = args.command or "serve"
    if command == "storage-copy":  # files only: no database
        from server.storage.copy_command import run as storage_copy
        return storage_copy(args, settings)
    if command == "serve":
        return migrate_aside(settings) or run_server(args, settings)
    database = open_database(settings)
    migrated = migrate(database)
    if migrated:
        return migrated
    if command == "migrate":
        print(f"database is up to date: {database.engine.url.render_as_string()}")
        return 0
    if command == "load-demo":
        from shared.demo.loader import load_demo
        from server.sync.reference import publish_all_halls
        with database.session() as session:
            report = load_demo(session, password_iterations=settings.password_iterations)
            publish_all_halls(session, datetime.now(timezone.utc))
        print(f"demo data loaded: {report}")
        return 0
    if command == "create-admin":
        from server.credentials.create_admin import run as create_admin
        return create_admin(args, settings, database)
    if command == "verify-audit":
        from server.verify_audit_command import run as verify_audit
        return verify_audit(database)
    if command == "provision":
        from server.provision_command import run as provision
        return provision(args, settings, database)
    parser.error(f"unknown command {command}")


def run_server(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from server.core.serving import proxy_options
    tls = {"ssl_certfile": str(settings.tls_cert), "ssl_keyfile": str(settings.tls_key)} if settings.tls else {}
    options = {"host": args.host or settings.host, "port": args.port or settings.port, "log_level": "info",
               "access_log": not getattr(args, "no_access_log", False), "backlog": 4096,
               # On SIGTERM, requests still open after 5 s are cancelled: devices long-polling /sync/events
               # (up to 25 s) poll again on the restarted server rather than hold a restart up.
               "timeout_graceful_shutdown": 5,
               **tls, **proxy_options(settings)}
    workers = getattr(args, "workers", 1)
    if workers > 1:
        # Each worker process builds its own app (server.runtime.served_app) on the migrated database; this one
        # only watches them, so it never imports the database layer (about 40 MiB it would keep idle).
        uvicorn.run("server.runtime:served_app", factory=True, workers=workers, **options)
        return 0
    from server.main import create_app
    from server.runtime import start_background
    settings.migrate_on_start = False
    app = create_app(settings, database=open_database(settings))
    start_background(app)
    uvicorn.run(app, **options)
    return 0


def open_database(settings: Settings) -> Database:
    from server.core.audit_key import audit_key
    from server.store.database import Database
    return Database.from_settings(settings).with_audit_key(audit_key(settings))


def migrate(database: Database) -> int:
    from shared.db.migrate import DatabaseTooNew
    try:
        database.migrate()
    except DatabaseTooNew as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    return 0


def migrate_aside(settings: Settings) -> int:
    """Migrate in a forked child with a database of its own, so the serving process never imports alembic
    (about 35 MiB it would keep), and the supervisor of several workers not even the database layer."""
    if not hasattr(os, "fork"):
        return migrate(open_database(settings))
    pid = os.fork()
    if pid == 0:  # the child: migrate, report by exit status
        code = 1
        try:
            code = migrate(open_database(settings))
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


if __name__ == "__main__":
    sys.exit(main())
