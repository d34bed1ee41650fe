"""The name given with a booking (issue 17): sealed at rest, never synced, masked in REST answers and on the
citizen's pages, and given in clear only to a counter workstation of the hall once the booking is checked in."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from server.queue.models import QueueAppointment
from client.services.queue_desk import QueueDesk
from shared.queue.tickets import Ticket
from shared.sync.transport import Reply, TransportError
from tests.queue_server.support import START
from tests.queue_server.test_api_appointments import person, slot

NAME = "欧阳婉清"


def _book(hall, n: int, **over):  # noqa: ANN001, ANN202
    return hall.client.post("/api/v1/queue/appointments", json={
        "business_id": hall.business["A"], "slot_start": slot(10), "id_number": person(n), **over})


def _check_in(hall, kiosk, appointment_id: str) -> str:  # noqa: ANN001
    synced = hall.rows(kiosk, "queue_appointment")[appointment_id]
    args = hall.issue_args(kiosk, "A", minutes=15, appointment_id=appointment_id,
                           person_key=synced["person_key"], channel="qr")
    assert hall.push(kiosk, "queue.issue", args)["status"] == "accepted"
    return args["ticket_id"]


def _name(hall, dev, ticket_id: str):  # noqa: ANN001, ANN202
    return hall.client.get(f"/api/v1/sync/queue/tickets/{ticket_id}/booking-name", headers=dev.headers)


def test_the_name_is_sealed_masked_and_never_synced(qhall) -> None:  # noqa: ANN001
    qhall.clock.now = START - dt.timedelta(hours=2)
    r = _book(qhall, 1, name=f"  {NAME} ")
    assert r.status_code == 201, r.text
    appointment = r.json()["appointment"]
    assert appointment["masked_name"] == "欧***" and NAME not in r.text
    with qhall.db.session() as s:
        row = s.get(QueueAppointment, appointment["id"])
        assert row.name_sealed.startswith("v1.") and NAME not in row.name_sealed and row.masked_name == "欧***"
    kiosk = qhall.device("dispenser")
    assert NAME not in str(qhall.rows(kiosk, "queue_appointment"))
    unnamed = _book(qhall, 2).json()["appointment"]
    assert unnamed["masked_name"] == ""
    with qhall.db.session() as s:
        assert s.get(QueueAppointment, unnamed["id"]).name_sealed is None


def test_a_name_with_invisible_characters_is_refused_and_nothing_booked(qhall) -> None:  # noqa: ANN001
    qhall.clock.now = START - dt.timedelta(hours=2)
    r = _book(qhall, 1, name="张\u200b三")
    assert (r.status_code, r.json()["error"]["code"]) == (422, "invalid_name")
    assert _book(qhall, 1, name="张三").status_code == 201  # the refused one took no place of the day's limit


def test_the_clerk_of_the_hall_sees_the_name_once_checked_in(qhall) -> None:  # noqa: ANN001
    qhall.clock.now = START - dt.timedelta(hours=2)
    appointment = _book(qhall, 1, name=NAME).json()["appointment"]
    qhall.clock.now = START + dt.timedelta(minutes=15)
    kiosk, counter = qhall.device("dispenser"), qhall.device("workstation", 1)
    assert _name(qhall, counter, "no-such-ticket").json()["error"]["code"] == "booking_not_named"
    ticket_id = _check_in(qhall, kiosk, appointment["id"])
    r = _name(qhall, counter, ticket_id)
    assert r.status_code == 200, r.text
    assert r.json()["name"] == NAME and r.json()["masked_id"] == appointment["masked_id"]
    assert r.headers.get("cache-control", "").startswith("no-store") or "no-store" in r.headers.get(
        "cache-control", "")
    # a dispenser, a workstation with nobody or an approver signed in: refused
    assert (_name(qhall, kiosk, ticket_id).status_code, _name(qhall, kiosk, ticket_id).json()["error"]["code"]) \
        == (403, "device_kind_not_allowed")
    assert _name(qhall, qhall.device("workstation", 2, staff=None), ticket_id).json()["error"]["code"] \
        == "role_required"
    assert _name(qhall, qhall.device("workstation", 2, staff="approver"), ticket_id).json()["error"]["code"] \
        == "role_required"
    walk_in, _ = qhall.issue(kiosk, "A", minutes=16)
    assert (_name(qhall, counter, walk_in).status_code, _name(qhall, counter, walk_in).json()["error"]["code"]) \
        == (404, "booking_not_named")


class _Sync:
    def __init__(self, replies: list) -> None:  # noqa: ANN001
        self.replies, self.asked, self.online = replies, [], True

    def call(self, method: str, path: str, **kw) -> Reply:  # noqa: ANN003
        self.asked.append(path)
        reply = self.replies.pop(0)
        if isinstance(reply, Exception):
            raise reply
        return reply


def _desk(sync: _Sync) -> QueueDesk:
    window = SimpleNamespace(id=1, services=())
    return QueueDesk(sync, window, "clerk", lambda: START)  # type: ignore[arg-type]


def _ticket(appointment_id: str | None, ticket_id: str = "t1") -> Ticket:
    return SimpleNamespace(id=ticket_id, appointment_id=appointment_id)  # type: ignore[return-value]


def test_the_desk_asks_once_per_ticket_and_again_after_a_network_failure() -> None:
    sync = _Sync([TransportError("down"), Reply(200, {"name": NAME}), Reply(404, {"error": {"code": "x"}})])
    desk = _desk(sync)
    assert desk.booked_name(_ticket(None)) == "" and sync.asked == []  # a walk-in: nothing asked
    assert desk.booked_name(_ticket("a1")) == ""                        # the server unreachable
    assert desk.booked_name(_ticket("a1")) == NAME                      # asked again, then kept
    assert desk.booked_name(_ticket("a1")) == NAME and len(sync.asked) == 2
    assert desk.booked_name(_ticket("a2", "t2")) == "" and len(sync.asked) == 3
    sync.online = False
    assert desk.booked_name(_ticket("a3", "t3")) == "" and len(sync.asked) == 3


def test_the_citizens_page_needs_a_name_and_shows_it_masked(qhall) -> None:  # noqa: ANN001
    from server.api.citizen_guard import CSRF_COOKIE
    from tests.queue_server.test_citizen_api import booking
    token = qhall.client.get("/m/", params={"hall": "DG-HALL-1"}).cookies[CSRF_COOKIE]
    h = {"X-CSRF-Token": token}
    blank = qhall.client.post("/api/v1/citizen/bookings", json=booking(qhall, name="   "), headers=h)
    assert blank.status_code == 422 and [p["field"] for p in blank.json()["error"]["details"]] == ["body.name"]
    r = qhall.client.post("/api/v1/citizen/bookings", json=booking(qhall, name=NAME), headers=h)
    assert r.status_code == 201, r.text
    assert r.json()["appointment"]["masked_name"] == "欧***" and NAME not in r.text
    mine = qhall.client.post("/api/v1/citizen/bookings/search", headers=h, json={
        "id_number": person(1), "booking_code": r.json()["booking_code"]}).json()
    assert [a["masked_name"] for a in mine] == ["欧***"]
