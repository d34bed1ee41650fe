"""Two server processes' schedulers on one database, each with its own sender and link to the same CMPP gateway,
firing at the same moment: every queued SMS reaches the simulator exactly once."""

from __future__ import annotations

import datetime as dt
import random
import threading

from sqlalchemy import func, select

from server.notify.cmpp_gateway import CmppGateway
from server.notify.models import Notification
from server.notify.outbox import notify
from server.notify.policy import Policy
from server.notify.sender import Sender
from server.notify.sim_cmpp import CmppSimulator
from server.scheduler import Scheduler
from shared.crypto.keys import keys_from_environment
from shared.db.models import Hall

T0 = dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.timezone.utc)
KEYS_ENV = {"GOVHALL_PII_KEYS": f"w1:{'5e' * 16}", "GOVHALL_PII_INDEX_KEY": "7a" * 32}


def test_two_schedulers_send_each_message_once(database, monkeypatch) -> None:  # noqa: ANN001
    for name, value in KEYS_ENV.items():
        monkeypatch.setenv(name, value)
    keys = keys_from_environment()
    with database.session() as s:
        hall_id = s.scalars(select(Hall.id)).first()
        for n in range(60):
            notify(s, "near_call", hall_id=hall_id, now=T0, key=f"t{n}", phone=f"1390000{n:04d}", keys=keys,
                   params={"ticket": f"A{n:03d}", "ahead": 1})
    sim = CmppSimulator("901234", "s3cret", clock=lambda: T0).start()
    schedulers, gateways = [], []
    for _ in range(2):
        gateway = CmppGateway("127.0.0.1", sim.port, "901234", "s3cret", clock=lambda: T0, timeout=2)
        sender = Sender(gateway, keys, Policy(batch=20), random.Random(3))
        scheduler = Scheduler(database, lambda: T0)
        scheduler.add("notify.send_sms", dt.timedelta(seconds=10), sender.run)
        schedulers.append(scheduler)
        gateways.append(gateway)
    try:
        for step in range(6):  # both fire together each tick, until everything is sent
            now = T0 + dt.timedelta(seconds=10 * step)
            threads = [threading.Thread(target=s.run_due, args=(now,)) for s in schedulers]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        phones = [r.phone for r in sim.received]
        assert len(phones) == 60 and len(set(phones)) == 60
        with database.session() as s:
            assert s.scalar(select(func.count()).select_from(Notification).where(Notification.state == "queued")) == 0
    finally:
        for gateway in gateways:
            gateway.close()
        sim.stop()
