"""手机号取号 on the server: a `queue.issue` carrying the phone sealed under the hall's ticket-phone key is kept
under the server's PII keys (no clear number in its database or command log) and gets the near-call SMS through
the gateway simulator, once; a phone that does not open (another hall's key, or altered) flags the ticket and
loses nothing else."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select

from server.notify.models import Notification
from server.notify.policy import Policy
from server.notify.sender import Sender
from server.notify.http_gateway import HttpSmsGateway
from server.notify.sim_http import HttpSmsSimulator
from server.queue.models import QueueTicketPhone
from server.queue.notifications import scan_near_calls
from shared.crypto.keys import keys_from_environment
from shared.crypto.ticket_key import derive_ticket_key
from shared.crypto.ticket_phone import seal_phone
from tests.queue_server.support import DAY, START

PHONE = "13912345678"


def test_a_phone_ticket_gets_its_near_call_sms_and_the_number_stays_sealed(qhall) -> None:  # noqa: ANN001
    keys = keys_from_environment()
    sim = HttpSmsSimulator("AKIDtest", "test-secret-key", clock=qhall.clock).start()
    gateway = HttpSmsGateway(sim.url, "AKIDtest", "test-secret-key", app_id="1400000000", sign_name="政务服务中心",
                             timeout=2, clock=qhall.clock)
    state = qhall.client.app.state
    state.sms_sender = Sender(gateway, keys, Policy(), random.Random(1))
    try:
        kiosk = qhall.device("dispenser")
        ticket_key = derive_ticket_key(keys, qhall.hall_id)  # what the hall's dispensers are provisioned with
        args = qhall.issue_args(kiosk, "A")
        args["phone_sealed"] = seal_phone(PHONE, ticket_key, args["ticket_id"])
        answer = qhall.push(kiosk, "queue.issue", args)
        assert answer["status"] == "accepted" and "phone_unreadable" not in answer["result"]["flags"], answer
        with qhall.db.session() as s:
            kept = s.get(QueueTicketPhone, args["ticket_id"])
            assert kept is not None and PHONE not in kept.phone_sealed and kept.phone_index
        # another hall's key, and a value moved onto another ticket: the ticket is kept, flagged, no phone
        other = qhall.issue_args(kiosk, "A")
        other["phone_sealed"] = seal_phone(PHONE, derive_ticket_key(keys, qhall.hall_id + 1), other["ticket_id"])
        moved = qhall.issue_args(kiosk, "A")
        moved["phone_sealed"] = args["phone_sealed"]
        for bad in (other, moved):
            r = qhall.push(kiosk, "queue.issue", bad)
            assert r["status"] == "accepted" and "phone_unreadable" in r["result"]["flags"], r
        now = START + dt.timedelta(minutes=1)
        qhall.clock.now = now
        state.scheduler.run_due(now)  # the near-call scan queues the SMS, the sender sends it
        later = now + dt.timedelta(minutes=1)
        qhall.clock.now = later
        state.scheduler.run_due(later)
        assert [r.text for r in sim.received if r.phone == PHONE] == [
            "您的号码A001前面还有0人，请留意叫号，及时到窗口办理。回复TD退订"]
        for minutes in (3, 4):  # more scans: no second reminder
            qhall.clock.now = now + dt.timedelta(minutes=minutes)
            with qhall.db.session() as s:
                scan_near_calls(s, qhall.hall_id, DAY, qhall.clock.now)
                s.commit()
            state.scheduler.run_due(qhall.clock.now)
        assert len([r for r in sim.received if r.phone == PHONE]) == 1
        with qhall.db.session() as s:
            sent = s.scalars(select(Notification).where(Notification.event == "near_call")).one()
            assert sent.phone_masked == "139****5678" and PHONE not in (sent.phone_sealed or "")
    finally:
        gateway.close()
        sim.stop()
    database_file = qhall.db.engine.url.database
    if database_file:  # SQLite: the file and its WAL hold no clear number (command log included)
        from pathlib import Path
        for path in Path(database_file).parent.glob(Path(database_file).name + "*"):
            assert PHONE.encode() not in path.read_bytes(), path.name
