"""A client process for the loopback kill test: queues `--commands` facts and numbers against a real server,
syncing as it goes, and resumes where its SQLite file left off when restarted after a kill -9."""

from __future__ import annotations

import argparse
import sys
import uuid
from pathlib import Path

from shared.db.cache import open_cache
from shared.protocol import device_health
from shared.sync.client import SyncClient
from shared.sync.errors import SyncFailed
from shared.sync.transport import HttpTransport

SERIES, PREFIX = "ticket", "A"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--db", required=True)
    p.add_argument("--url", required=True)
    p.add_argument("--device", required=True)
    p.add_argument("--token", required=True)
    p.add_argument("--day", required=True)
    p.add_argument("--commands", type=int, default=300)
    p.add_argument("--issue", action="store_true", help="issue numbers too (dispensers, workstations)")
    args = p.parse_args(argv)
    engine = open_cache(Path(args.db), synchronous_full=True, immediate=True)
    client = SyncClient(engine, device_id=args.device, token=args.token, transport=HttpTransport(args.url),
                        push_batch=20, timeout=5)
    if args.issue:
        client.leases.track(SERIES, PREFIX, args.day)
    done = _queued(client)  # resume after a kill: what the outbox holds was queued already
    while done < args.commands:
        if args.issue and done % 2:
            client.leases.issue_number(SERIES, PREFIX, args.day, ref=f"{args.device}:{done}")
        else:
            fid = str(uuid.uuid4())
            client.submit("fact.record", 1, _health_fact(fid, args.device, args.day, done),
                          effects=[("sync_fact", fid, {"id": fid})])
        done += 1
        if done % 10 == 0:
            _try(client)
    for _ in range(50):
        if _try(client) and client.status().pending == 0:
            print("DONE", flush=True)
            return 0
    return 1


def _health_fact(fact_id: str, device_id: str, day: str, n: int) -> dict:
    """A printer fault or its recovery: the one fact kind every device kind may record."""
    kind = device_health.FAULT if n % 4 == 0 else device_health.RECOVERED
    return {"fact_id": fact_id, "kind": kind, "body": {"device": device_id, "part": "printer",
                                                       "code": "printer_paper_out", "at": f"{day}T09:00:00+08:00",
                                                       "detail": f"n={n}"}}


def _queued(client: SyncClient) -> int:
    from sqlalchemy import func, select

    from shared.sync.tables import outbox
    with client.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(outbox)) or 0


def _try(client: SyncClient) -> bool:
    try:
        client.sync_once()
        return True
    except SyncFailed as exc:
        print(f"sync failed: {exc.code}", file=sys.stderr, flush=True)
        return False


if __name__ == "__main__":
    sys.exit(main())
