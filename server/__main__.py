"""`python -m server [serve|migrate|load-demo|provision]` — see README (serve is the default)."""

from __future__ import annotations

import argparse
import logging
from datetime import datetime, timezone
import sys

from server.core.settings import Settings
from server.store.database import Database
from shared.db.migrate import DatabaseTooNew


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m server", description="GovHall central server")
    # --host/--port belong to serve, the default command, so they are accepted with or without its name.
    parser.add_argument("--host", help="address to listen on (serve)")
    parser.add_argument("--port", type=int, help="port to listen on (serve)")
    sub = parser.add_subparsers(dest="command")
    serve = sub.add_parser("serve", help="migrate, then serve the API (default)")
    serve.add_argument("--host", default=argparse.SUPPRESS)
    serve.add_argument("--port", type=int, default=argparse.SUPPRESS)
    serve.add_argument("--workers", type=int, default=1, help="uvicorn worker processes (default 1)")
    serve.add_argument("--no-access-log", action="store_true", help="do not log every request")
    sub.add_parser("migrate", help="bring the database up to date and exit")
    sub.add_parser("load-demo", help="load the demo centre and catalogue (idempotent)")
    prov = sub.add_parser("provision", help="register a device for a hall and write its ready config file")
    prov.add_argument("--kind", required=True, help="dispenser | display | evaluator | clerk | approver")
    prov.add_argument("--hall", required=True, help="the hall's code, e.g. DG-HALL-1")
    prov.add_argument("--window", type=int, help="window number (evaluator and clerk workstations)")
    prov.add_argument("--out", required=True, help="the config file to write (a workstation: its workstation.toml)")
    prov.add_argument("--server", help="the URL the device reaches this server at (default: this server's own)")
    prov.add_argument("--name", default="", help="a name for the device list")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = Settings()
    database = Database(settings.effective_database_url)
    try:
        database.migrate()
    except DatabaseTooNew as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    command = args.command or "serve"
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
    if command == "provision":
        from server.provision_command import run as provision
        return provision(args, settings, database)
    import uvicorn

    host, port = args.host or settings.host, args.port or settings.port
    options = {"host": host, "port": port, "log_level": "info", "access_log": not getattr(args, "no_access_log", False),
               "backlog": 4096}
    workers = getattr(args, "workers", 1)
    if workers > 1:  # each worker process builds its own app (server.workers) on the migrated database
        database.dispose()
        uvicorn.run("server.workers:worker_app", factory=True, workers=workers, **options)
        return 0
    from server.main import create_app
    settings.migrate_on_start = False
    app = create_app(settings, database=database)
    app.state.scheduler.start()
    uvicorn.run(app, **options)
    return 0


if __name__ == "__main__":
    sys.exit(main())
