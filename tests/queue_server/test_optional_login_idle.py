"""Issue 18, idle tokens on routes open to anonymous callers (server/api/deps.py staff_of): a staff token
unused for token_idle_minutes is no login there either — a staff cancel answers 401 token_idle_expired as every
staff route does, and a booking under it counts against the caller's address, not the member's allowance."""

from __future__ import annotations

import datetime as dt

from tests.fixtures.server import login
from tests.queue_server.support import START
from tests.queue_server.test_api_appointments import person, slot

BOOK = "/api/v1/queue/appointments"


def _book(hall, n: int, headers: dict | None = None):  # noqa: ANN001, ANN202
    return hall.client.post(BOOK, headers=headers or {}, json={"business_id": hall.business["A"],
                                                               "slot_start": slot(14), "id_number": person(n)})


def test_a_staff_cancel_with_an_idle_token_is_refused_like_any_staff_route(qhall) -> None:  # noqa: ANN001
    qhall.clock.now = START - dt.timedelta(days=1)
    assert qhall.client.app.state.settings.token_idle_minutes == 30
    appointment = _book(qhall, 1).json()["appointment"]["id"]
    clerk = login(qhall.client, "clerk")
    qhall.clock.advance(minutes=31)
    r = qhall.client.post(f"{BOOK}/{appointment}/cancel", json={}, headers=clerk)
    assert (r.status_code, r.json()["error"]["code"]) == (401, "token_idle_expired")
    assert r.json()["error"]["message"] == "长时间未操作，登录已失效，请重新登录（session idle too long）"
    assert qhall.client.get("/api/v1/auth/me", headers=clerk).json()["error"]["code"] == "token_idle_expired"
    r = qhall.client.post(f"{BOOK}/{appointment}/cancel", json={}, headers=login(qhall.client, "clerk"))
    assert (r.status_code, r.json()["state"]) == (200, "cancelled")


def test_a_staff_cancel_with_a_fresh_token_counts_as_its_use(qhall) -> None:  # noqa: ANN001
    qhall.clock.now = START - dt.timedelta(days=1)
    first, second = (_book(qhall, n).json()["appointment"]["id"] for n in (1, 2))
    clerk = login(qhall.client, "clerk")
    qhall.clock.advance(minutes=25)
    assert qhall.client.post(f"{BOOK}/{first}/cancel", json={}, headers=clerk).status_code == 200
    qhall.clock.advance(minutes=25)  # 50 minutes after sign-in, 25 after its last use
    assert qhall.client.post(f"{BOOK}/{second}/cancel", json={}, headers=clerk).status_code == 200


def test_a_booking_under_an_idle_token_counts_against_the_address(qhall) -> None:  # noqa: ANN001
    admin = login(qhall.client, "admin")
    r = qhall.client.put(f"/api/v1/queue/admin/halls/{qhall.hall_id}/rules", headers=admin,
                         json={"appointment": {"requests_per_client_per_hour": 2}})
    assert r.status_code == 200, r.text
    qhall.clock.now = START - dt.timedelta(days=1)
    clerk = login(qhall.client, "clerk")
    assert _book(qhall, 1).status_code == 201 and _book(qhall, 2).status_code == 201  # the address's two
    assert _book(qhall, 3).json()["error"]["code"] == "booking_rate_limited_client"
    assert _book(qhall, 4, clerk).status_code == 201  # a signed-in clerk is a client of its own
    qhall.clock.advance(minutes=31)  # within the hour, but the clerk's token has gone idle
    r = _book(qhall, 5, clerk)
    assert (r.status_code, r.json()["error"]["code"]) == (429, "booking_rate_limited_client")
