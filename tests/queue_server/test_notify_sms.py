"""SMS through the outbox end to end on the real app and its scheduler: a booked citizen's near-call reminder
reaches the gateway simulator exactly once, survives a gateway outage by retrying with backoff, and never goes
to an opted-out number (opted out by an admin or by replying TD); the hourly cap per phone holds; a rolled-back
booking queues nothing. Both gateways: the Tencent Cloud HTTP API and CMPP 2.0, each against its simulator."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from sqlalchemy import func, select

from server.notify import jobs
from server.notify.cmpp_gateway import CmppGateway
from server.notify.http_gateway import HttpSmsGateway
from server.notify.models import Notification
from server.notify.outbox import notify
from server.notify.policy import Policy
from server.notify.sender import Sender
from server.notify.sim_cmpp import CmppSimulator
from server.notify.sim_http import HttpSmsSimulator
from server.queue.notifications import scan_near_calls
from shared.crypto.keys import keys_from_environment
from tests.fixtures.server import login
from tests.queue_server.support import DAY, START
from tests.queue_server.test_api_appointments import person, slot

PHONE, OTHER = "13800138000", "13900139000"


class Gateways:
    """A simulator and the gateway talking to it, for one kind; `down()` / `up()` an outage on the same port."""

    def __init__(self, kind: str, clock) -> None:  # noqa: ANN001
        self.kind, self.clock = kind, clock
        if kind == "http":
            self.sim = HttpSmsSimulator("AKIDtest", "test-secret-key", clock=clock).start()
            self.gateway = HttpSmsGateway(self.sim.url, "AKIDtest", "test-secret-key", app_id="1400000000",
                                          sign_name="政务服务中心", timeout=2, clock=clock)
        else:
            self.sim = CmppSimulator("901234", "s3cret", clock=clock).start()
            self.gateway = CmppGateway("127.0.0.1", self.sim.port, "901234", "s3cret", src_id="10657000",
                                       timeout=2, clock=clock)
        self.port = self.sim.port

    def down(self) -> None:
        self.sim.stop()

    def up(self) -> None:
        self.sim.port = self.port
        self.sim.start()

    def texts(self, phone: str) -> list[str]:
        return [r.text for r in self.sim.received if r.phone == phone]


@pytest.fixture(params=["http", "cmpp"])
def sms(request, qhall):  # noqa: ANN001, ANN201
    gateways = Gateways(request.param, qhall.clock)
    state = qhall.client.app.state
    state.sms_sender = Sender(gateways.gateway, keys_from_environment(), Policy(), random.Random(1))
    yield qhall, gateways, state
    gateways.gateway.close()
    gateways.sim.stop()


def book(qhall, n: int, phone: str) -> dict:  # noqa: ANN001
    r = qhall.client.post("/api/v1/queue/appointments", json={
        "business_id": qhall.business["A"], "slot_start": slot(10), "id_number": person(n), "phone": phone})
    assert r.status_code == 201, r.text
    return r.json()["appointment"]


def check_in(qhall, kiosk, appointment: dict) -> str:  # noqa: ANN001
    synced = qhall.rows(kiosk, "queue_appointment")[appointment["id"]]
    ticket_id, r = qhall.issue(kiosk, "A", minutes=15, appointment_id=appointment["id"],
                               person_key=synced["person_key"], channel="id_card")
    assert r["status"] == "accepted", r
    return ticket_id


def states(qhall, event: str) -> list[str]:  # noqa: ANN001
    with qhall.db.session() as s:
        return list(s.scalars(select(Notification.state).where(Notification.event == event)))


def test_near_call_reaches_the_simulator_once_through_an_outage(sms) -> None:  # noqa: ANN001
    qhall, gw, state = sms
    qhall.clock.now = START - dt.timedelta(hours=2)
    appointment = book(qhall, 1, PHONE)
    kiosk = qhall.device("dispenser")
    check_in(qhall, kiosk, appointment)
    gw.down()
    now = START + dt.timedelta(minutes=16)
    qhall.clock.now = now
    done = state.scheduler.run_due(now)  # the near-call scan queues the SMS; the sender finds the gateway down
    assert done["queue.near_calls"] >= 1 and done[jobs.SEND_SMS] == 0
    with qhall.db.session() as s:
        first = s.scalars(select(Notification).where(Notification.attempts > 0)).one()
        assert (first.state, first.attempts) == ("queued", 1) and first.last_error
        retry_at = first.next_attempt_at
    assert dt.timedelta(seconds=15) <= retry_at - now <= dt.timedelta(seconds=30)  # base 30 s, equal jitter
    assert state.scheduler.run_due(now + dt.timedelta(seconds=10)).get(jobs.SEND_SMS, 0) == 0  # paused
    gw.up()
    later = now + dt.timedelta(minutes=1)
    qhall.clock.now = later
    assert state.scheduler.run_due(later)[jobs.SEND_SMS] == 2  # the booking's confirmation and the near call
    near = [t for t in gw.texts(PHONE) if "前面还有" in t]
    assert near == ["您的号码A001前面还有0人，请留意叫号，及时到窗口办理。回复TD退订"]
    assert any(t.startswith("您已预约") for t in gw.texts(PHONE))
    for minutes in (2, 3, 4):  # more scans and sends: no second reminder; reports turn sent into delivered
        qhall.clock.now = now + dt.timedelta(minutes=minutes)
        state.scheduler.run_due(qhall.clock.now)
        with qhall.db.session() as s:
            scan_near_calls(s, qhall.hall_id, DAY, qhall.clock.now)
    assert len([t for t in gw.texts(PHONE) if "前面还有" in t]) == 1
    assert states(qhall, "near_call") == ["delivered"] and states(qhall, "booking_confirmed") == ["delivered"]


def test_opted_out_numbers_get_nothing(sms) -> None:  # noqa: ANN001
    qhall, gw, state = sms
    qhall.clock.now = START - dt.timedelta(hours=2)
    headers = login(qhall.client)
    r = qhall.client.post("/api/v1/admin/notifications/opt-outs", headers=headers, json={"phone": "+86 139-0013-9000"})
    assert (r.status_code, r.json()["phone"]) == (201, "139****9000")
    book(qhall, 1, OTHER)
    book(qhall, 2, PHONE)
    state.scheduler.run_due(qhall.clock.now)
    assert gw.texts(OTHER) == [] and len(gw.texts(PHONE)) == 1
    gw.sim.reply(PHONE, "TD")  # the citizen replies 退订 to the service number
    qhall.clock.advance(minutes=1)
    state.scheduler.run_due(qhall.clock.now)  # the poll hears the reply
    r = qhall.client.post(f"/api/v1/queue/appointments/{book(qhall, 3, PHONE)['id']}/cancel", headers=headers,
                          json={})
    qhall.clock.advance(minutes=1)
    state.scheduler.run_due(qhall.clock.now)
    assert len(gw.texts(PHONE)) == 1  # neither the third booking's confirmation nor its cancellation
    listing = qhall.client.get("/api/v1/admin/notifications", headers=headers, params={"state": "failed"}).json()
    assert {(n["phone"], n["last_error"]) for n in listing["notifications"]} == {
        ("139****9000", "opted_out"), ("138****8000", "opted_out")}
    assert listing["counts"]["failed"] == 3 and listing["counts"]["delivered"] == 1
    delivered = qhall.client.get("/api/v1/admin/notifications", headers=headers, params={"state": "delivered"}).json()
    assert [(n["event"], n["gateway"], n["attempts"]) for n in delivered["notifications"]] == [
        ("booking_confirmed", gw.kind, 1)]


@pytest.mark.parametrize("kind", ["http"])
def test_the_hourly_cap_per_phone_holds(qhall, kind: str) -> None:  # noqa: ANN001
    gw = Gateways(kind, qhall.clock)
    sender = Sender(gw.gateway, keys_from_environment(), Policy(per_phone_per_hour=2), random.Random(2))
    now = START
    try:
        with qhall.db.session() as s:
            for n in range(3):
                notify(s, "near_call", hall_id=qhall.hall_id, now=now, key=f"t{n}", phone=PHONE,
                       keys=sender.keys, params={"ticket": f"A00{n}", "ahead": 1})
        with qhall.db.session() as s:
            assert sender.run(s, now) == 2
        with qhall.db.session() as s:
            held = s.scalars(select(Notification).where(Notification.state == "queued")).one()
            assert (held.last_error, held.next_attempt_at) == ("rate_limited", now + dt.timedelta(hours=1))
        with qhall.db.session() as s:
            assert sender.run(s, now + dt.timedelta(minutes=59)) == 0
        with qhall.db.session() as s:
            assert sender.run(s, now + dt.timedelta(hours=1)) == 1
        assert len(gw.texts(PHONE)) == 3
    finally:
        gw.gateway.close()
        gw.sim.stop()


def test_an_event_that_rolls_back_queues_nothing(qhall) -> None:  # noqa: ANN001
    keys = keys_from_environment()
    with pytest.raises(RuntimeError), qhall.db.session() as s:
        notify(s, "near_call", hall_id=qhall.hall_id, now=START, key="t1", phone=PHONE, keys=keys,
               params={"ticket": "A001", "ahead": 1})
        raise RuntimeError("the event failed after notify")
    with qhall.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Notification)) == 0


def test_a_bad_phone_is_refused_and_the_number_is_sealed(qhall) -> None:  # noqa: ANN001
    qhall.clock.now = START - dt.timedelta(hours=2)
    r = qhall.client.post("/api/v1/queue/appointments", json={
        "business_id": qhall.business["A"], "slot_start": slot(10), "id_number": person(1), "phone": "12345"})
    assert (r.status_code, r.json()["error"]["code"]) == (422, "invalid_phone")
    assert "手机号码" in r.json()["error"]["message"]
    with qhall.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Notification)) == 0
    book(qhall, 1, PHONE)
    with qhall.db.session() as s:
        row = s.scalars(select(Notification)).one()
        assert PHONE not in (row.phone_sealed or "") and row.phone_masked == "138****8000"
