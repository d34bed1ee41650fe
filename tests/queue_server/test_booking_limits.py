"""Booking rate limits (预约防刷): per ID number per day (booking and cancelling in a loop stops), per client
per hour (a script sweeping slots stops), each a 429 with its own code and Chinese message."""

from __future__ import annotations

import datetime as dt

import pytest

from server.queue.booking_limits import ClientLimiter
from server.queue.errors import Rejected
from tests.fixtures.server import login
from tests.queue_server.support import START
from tests.queue_server.test_api_appointments import person, slot


def _book(hall, n: int, when: str, headers: dict | None = None, prefix: str = "A"):  # noqa: ANN001, ANN202
    return hall.client.post("/api/v1/queue/appointments", headers=headers or {},
                            json={"business_id": hall.business[prefix], "slot_start": when, "id_number": person(n)})


def test_one_id_number_may_book_five_times_a_day_cancelled_ones_included(qhall) -> None:  # noqa: ANN001
    qhall.clock.now = START - dt.timedelta(days=1)
    for _ in range(5):
        r = _book(qhall, 1, slot(14))
        assert r.status_code == 201, r.text
        appointment = r.json()["appointment"]["id"]
        cancelled = qhall.client.post(f"/api/v1/queue/appointments/{appointment}/cancel",
                                      json={"id_number": person(1), "booking_code": r.json()["booking_code"]})
        assert cancelled.status_code == 200, cancelled.text
    r = _book(qhall, 1, slot(14))
    assert r.status_code == 429
    error = r.json()["error"]
    assert (error["code"], error["message"]) == ("booking_rate_limited_person", "该身份证号码今日预约操作次数过多，请明天再试")
    assert error["details"]["limit"] == 5
    assert _book(qhall, 2, slot(14)).status_code == 201  # someone else is not affected
    qhall.clock.now += dt.timedelta(days=1)  # a new day, a new allowance (the slot two days on)
    assert _book(qhall, 1, slot(14, day=START.date() + dt.timedelta(days=1))).status_code == 201


def test_one_client_may_send_a_limited_number_of_booking_requests_an_hour(qhall) -> None:  # noqa: ANN001
    admin = login(qhall.client, "admin")
    r = qhall.client.put(f"/api/v1/queue/admin/halls/{qhall.hall_id}/rules", headers=admin,
                         json={"appointment": {"requests_per_client_per_hour": 3}})
    assert r.status_code == 200, r.text
    qhall.clock.now = START - dt.timedelta(days=1)
    citizen = {"Authorization": "Bearer citizen-app-token-1"}
    assert _book(qhall, 1, slot(14), citizen).status_code == 201
    assert _book(qhall, 2, "not a time", citizen).status_code == 422  # refused early: FastAPI validation
    assert _book(qhall, 3, slot(15), citizen).status_code == 201
    assert _book(qhall, 4, slot(15, 30), citizen).status_code == 201
    r = _book(qhall, 5, slot(16), citizen)
    assert r.status_code == 429
    error = r.json()["error"]
    assert (error["code"], error["message"]) == ("booking_rate_limited_client", "预约请求过于频繁，请稍后再试")
    assert 0 < error["details"]["retry_after_s"] <= 3600
    # issue 18: another invented Authorization value is the same anonymous client (its address)
    for n, other in enumerate(("Bearer citizen-app-token-2", "Bearer x", "Basic abc", ""), start=5):
        assert _book(qhall, n, slot(16), {"Authorization": other} if other else {}).status_code == 429
    # a signed-in clerk booking for citizens at the counter is a client of its own
    assert _book(qhall, 9, slot(16), login(qhall.client, "clerk")).status_code == 201
    qhall.clock.now += dt.timedelta(hours=1)
    assert _book(qhall, 6, slot(16), citizen).status_code == 201


def test_the_client_limiter_counts_refused_requests_and_forgets_after_an_hour(database) -> None:  # noqa: ANN001
    limiter, now = ClientLimiter(database), START
    for i in range(2):
        limiter.check("addr:1.2.3.4", now + dt.timedelta(minutes=i), 2)
    for i in range(3):  # a script that keeps trying stays locked out: its refused tries count
        with pytest.raises(Rejected) as refused:
            limiter.check("addr:1.2.3.4", now + dt.timedelta(minutes=10 + i), 2)
        assert refused.value.code == "booking_rate_limited_client"
    with pytest.raises(Rejected):
        limiter.check("addr:1.2.3.4", now + dt.timedelta(minutes=65), 2)
    limiter.check("addr:1.2.3.4", now + dt.timedelta(minutes=75), 2)  # the tries of 10:10-10:12 are an hour old


def test_server_processes_share_one_count_per_client(database) -> None:  # noqa: ANN001
    """Two processes behind a load balancer (two limiters on one database) count one client's requests once."""
    first, second, now = ClientLimiter(database), ClientLimiter(database), START
    first.check("addr:1.2.3.4", now, 2)
    second.check("addr:1.2.3.4", now + dt.timedelta(minutes=1), 2)
    with pytest.raises(Rejected):
        first.check("addr:1.2.3.4", now + dt.timedelta(minutes=2), 2)
    with pytest.raises(Rejected):
        second.check("addr:1.2.3.4", now + dt.timedelta(minutes=3), 2)


def test_limits_are_configuration_checked(qhall) -> None:  # noqa: ANN001
    admin = login(qhall.client, "admin")
    r = qhall.client.put(f"/api/v1/queue/admin/halls/{qhall.hall_id}/rules", headers=admin,
                         json={"appointment": {"bookings_per_person_per_day": 0}})
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_appointment_rules"


def test_looking_bookings_up_by_id_number_has_its_own_hourly_allowance(qhall) -> None:  # noqa: ANN001
    """Issue 18: guessing booking codes for a known ID number stops after the allowance (30 an hour)."""
    qhall.clock.now = START - dt.timedelta(days=1)
    booked = _book(qhall, 1, slot(14)).json()
    guess = {"id_number": person(1), "booking_code": "AAAAAAAA"}
    for _ in range(30):
        assert qhall.client.post("/api/v1/queue/appointments/search", json=guess).json() == []
    r = qhall.client.post("/api/v1/queue/appointments/search", json=guess)
    assert (r.status_code, r.json()["error"]["code"]) == (429, "booking_rate_limited_client")
    cancel = qhall.client.post(f"/api/v1/queue/appointments/{booked['appointment']['id']}/cancel",
                               json={"id_number": person(1), "booking_code": booked["booking_code"]})
    assert cancel.status_code == 429  # the right code too, from this client, until the hour has passed
    qhall.clock.now += dt.timedelta(hours=1)
    assert qhall.client.post("/api/v1/queue/appointments/search", json={
        "id_number": person(1), "booking_code": booked["booking_code"]}).json()[0]["id"] == booked["appointment"]["id"]
