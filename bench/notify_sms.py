"""SMS delivery rate: `python -m bench.notify_sms [--messages 2000] [--batch 200]`. Prints figures (not a timed
test), ending with the line `sms_http_per_s=<n> sms_cmpp_per_s=<n> messages=N`.

A fresh SQLite server database (the demo hall) gets N near-call notifications queued through `notify` (sealed
phones, N different numbers so no hourly cap applies); the sender (server/notify/sender.py), as the scheduler
job runs it, drains them in runs of `--batch`, each in its own transaction, against each gateway's simulator
on loopback: the Tencent Cloud SMS API simulator (HTTP, TC3 signature checked per request) and the CMPP 2.0
ISMG simulator (one TCP link, SUBMIT/SUBMIT_RESP per message, a status report DELIVER back for each). The
figure is messages the simulator recorded per second of draining, from the first run to the last."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

os.environ.setdefault("GOVHALL_PII_KEYS", f"b1:{'4b' * 16}")
os.environ.setdefault("GOVHALL_PII_INDEX_KEY", "6d" * 32)

from server.notify.cmpp_gateway import CmppGateway  # noqa: E402
from server.notify.http_gateway import HttpSmsGateway  # noqa: E402
from server.notify.models import Notification  # noqa: E402
from server.notify.outbox import notify  # noqa: E402
from server.notify.policy import Policy  # noqa: E402
from server.notify.sender import Sender  # noqa: E402
from server.notify.sim_cmpp import CmppSimulator  # noqa: E402
from server.notify.sim_http import HttpSmsSimulator  # noqa: E402
from server.store.database import Database  # noqa: E402
from shared.crypto.keys import keys_from_environment  # noqa: E402
from shared.db.models import Hall  # noqa: E402
from shared.demo.loader import load_demo  # noqa: E402

NOW = dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.timezone.utc)


def fresh_database(folder: Path) -> tuple[Database, int]:
    db = Database(f"sqlite:///{folder / 'server.sqlite3'}")
    db.migrate()
    with db.session() as s:
        load_demo(s, password_iterations=1000)
    with db.session() as s:
        return db, s.scalars(select(Hall.id).order_by(Hall.id)).first()


def queue(db: Database, hall_id: int, count: int, keys) -> None:  # noqa: ANN001
    with db.session() as s:
        for n in range(count):
            notify(s, "near_call", hall_id=hall_id, now=NOW, key=f"bench-{n}", phone=f"139{n:08d}", keys=keys,
                   params={"ticket": f"A{n % 1000:03d}", "ahead": 2})


def drain(db: Database, sender: Sender, count: int) -> float:
    started = time.perf_counter()
    while True:
        with db.session() as s:
            sent = sender.run(s, NOW)
        if sent == 0:
            break
    took = time.perf_counter() - started
    with db.session() as s:
        done = s.scalar(select(func.count()).select_from(Notification).where(Notification.state != "queued"))
    if done != count:
        raise SystemExit(f"only {done} of {count} left the queue")
    return took


def run(kind: str, count: int, batch: int) -> float:
    keys = keys_from_environment()
    clock = lambda: NOW  # noqa: E731 - the simulators check the signature's time against this
    with tempfile.TemporaryDirectory() as folder:
        db, hall_id = fresh_database(Path(folder))
        queue(db, hall_id, count, keys)
        if kind == "http":
            sim = HttpSmsSimulator("AKIDbench", "bench-key", clock=clock).start()
            gateway = HttpSmsGateway(sim.url, "AKIDbench", "bench-key", app_id="1400000000", sign_name="政务服务中心",
                                     clock=clock)
        else:
            sim = CmppSimulator("901234", "bench", clock=clock).start()
            gateway = CmppGateway("127.0.0.1", sim.port, "901234", "bench", clock=clock)
        sender = Sender(gateway, keys, Policy(batch=batch, per_phone_per_hour=10), random.Random(1))
        try:
            took = drain(db, sender, count)
        finally:
            gateway.close()
            sim.stop()
            db.dispose()
        if len(sim.received) != count:
            raise SystemExit(f"{kind}: the simulator recorded {len(sim.received)} of {count}")
        rate = count / took
        print(f"{kind}: {count} SMS in {took:.2f} s → {rate:.0f}/s (batches of {batch})", flush=True)
        return rate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=200)
    args = parser.parse_args(argv)
    rates = {kind: run(kind, args.messages, args.batch) for kind in ("http", "cmpp")}
    print(f"sms_http_per_s={rates['http']:.0f} sms_cmpp_per_s={rates['cmpp']:.0f} messages={args.messages}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
