"""The citizens' pages' API (issue 17): the page's headers and CSRF cookie, booking behind the CSRF token and the
captcha with the same booking rules and error codes as the booking API, the QR code the dispenser accepts, my
bookings and cancel, one ticket's place in the queue, and no staff route reachable with a citizen's cookie."""

from __future__ import annotations

import re

import pytest

from server.api.citizen_guard import CSRF_COOKIE
from shared.queue import appointment_qr
from tests.fixtures.server import login
from tests.queue_server.test_api_appointments import person, slot


@pytest.fixture
def phone(qhall):  # noqa: ANN001, ANN201
    """The hall and a TestClient that opened the page (so it holds the CSRF cookie); returns its token too."""
    page = qhall.client.get("/m/", params={"hall": "DG-HALL-1"})
    assert page.status_code == 200
    return qhall, page.cookies[CSRF_COOKIE]


def solve(client) -> dict:  # noqa: ANN001
    c = client.get("/api/v1/citizen/captcha").json()
    a, b = map(int, re.findall(r"\d+", c["question"]))
    return {"captcha_token": c["token"], "captcha_answer": str(a + b)}


def booking(hall, n: int = 1, **over) -> dict:  # noqa: ANN001
    return {"business_id": hall.business["A"], "slot_start": slot(14), "id_number": person(n), "name": "张三",
            "phone": "", **solve(hall.client), **over}


def test_the_page_has_a_strict_policy_and_sets_the_csrf_cookie(phone) -> None:  # noqa: ANN001
    hall, token = phone
    page = hall.client.get("/m/")
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "default-src 'none'" in policy
    assert "samesite=strict" in page.headers["set-cookie"].lower() and len(token) >= 24
    assert '<script src="/m/static/app.js"' in page.text and "<script>" not in page.text
    for asset in ("/m/static/app.js", "/m/static/app.css"):
        assert hall.client.get(asset).status_code == 200
    assert hall.client.get("/m/q/anything").headers["content-security-policy"] == policy


def test_hall_info_lists_businesses_and_the_booking_notice(phone) -> None:  # noqa: ANN001
    hall, _ = phone
    info = hall.client.get("/api/v1/citizen/halls/DG-HALL-1").json()
    assert {b["prefix"] for b in info["businesses"]} >= {"A", "B"}
    assert info["days"][0] == "2026-11-23" and any("预约码" in line for line in info["notice"])
    r = hall.client.get("/api/v1/citizen/halls/NOPE")
    assert (r.status_code, r.json()["error"]["code"]) == (404, "hall_not_found")


def test_booking_needs_the_csrf_token_and_the_captcha(phone) -> None:  # noqa: ANN001
    hall, token = phone
    r = hall.client.post("/api/v1/citizen/bookings", json=booking(hall))
    assert (r.status_code, r.json()["error"]["code"]) == (403, "csrf_failed")
    r = hall.client.post("/api/v1/citizen/bookings", json=booking(hall), headers={"X-CSRF-Token": "forged"})
    assert (r.status_code, r.json()["error"]["code"]) == (403, "csrf_failed")
    wrong = booking(hall, captcha_answer="99")
    r = hall.client.post("/api/v1/citizen/bookings", json=wrong, headers={"X-CSRF-Token": token})
    assert (r.status_code, r.json()["error"]["code"]) == (422, "captcha_wrong")
    tampered = booking(hall)
    tampered["captcha_token"] = tampered["captcha_token"][:-2] + "AA"
    r = hall.client.post("/api/v1/citizen/bookings", json=tampered, headers={"X-CSRF-Token": token})
    assert r.json()["error"]["code"] == "captcha_wrong"
    hall.clock.advance(minutes=6)  # an old captcha has expired
    stale = booking(hall)
    hall.clock.advance(minutes=6)
    r = hall.client.post("/api/v1/citizen/bookings", json=stale, headers={"X-CSRF-Token": token})
    assert r.json()["error"]["code"] == "captcha_wrong"


def test_book_show_the_qr_find_and_cancel(phone) -> None:  # noqa: ANN001
    hall, token = phone
    h = {"X-CSRF-Token": token}
    bad = hall.client.post("/api/v1/citizen/bookings", json=booking(hall, id_number=person(1)[:-1] + "0"), headers=h)
    same = hall.client.post("/api/v1/queue/appointments", json={"business_id": hall.business["A"],
                                                                "slot_start": slot(14), "id_number": person(1)[:-1] + "0"})
    assert bad.status_code == same.status_code == 422 and bad.json()["error"]["code"] == same.json()["error"]["code"]
    r = hall.client.post("/api/v1/citizen/bookings", json=booking(hall), headers=h)
    assert r.status_code == 201, r.text
    booked = r.json()
    token_in_qr = appointment_qr.parse(booked["qr_payload"])  # what the dispenser's QR path parses
    assert token_in_qr and booked["qr_svg"].startswith("data:image/svg+xml")
    resolved = hall.client.post("/api/v1/queue/appointments/qr", json={"token": token_in_qr}).json()
    assert resolved["id"] == booked["appointment"]["id"] and person(1) not in r.text
    who = {"id_number": person(1), "booking_code": booked["booking_code"]}
    found = hall.client.post("/api/v1/citizen/bookings/search", json=who, headers=h).json()
    assert [a["id"] for a in found] == [booked["appointment"]["id"]]
    assert hall.client.post("/api/v1/citizen/bookings/search", json={**who, "booking_code": "WRONG123"},
                            headers=h).json() == []
    cancel = f"/api/v1/citizen/bookings/{booked['appointment']['id']}/cancel"
    assert hall.client.post(cancel, json=who).json()["error"]["code"] == "csrf_failed"
    r = hall.client.post(cancel, json={**who, "booking_code": "WRONG123"}, headers=h)
    assert r.json()["error"]["code"] == "appointment_not_yours"
    r = hall.client.post(cancel, json=who, headers=h)
    assert r.status_code == 200 and r.json()["state"] == "cancelled"
    assert r.headers["cache-control"] == "no-store"


def test_the_client_rate_limit_refuses_in_chinese(phone) -> None:  # noqa: ANN001
    hall, token = phone
    rules = hall.client.get(f"/api/v1/queue/halls/{hall.hall_id}/config").json()["rules"]["appointment"]
    for n in range(rules["requests_per_client_per_hour"]):
        hall.client.post("/api/v1/citizen/bookings", json=booking(hall, n + 1, captcha_answer="0"),
                         headers={"X-CSRF-Token": token})
    r = hall.client.post("/api/v1/citizen/bookings", json=booking(hall, 99), headers={"X-CSRF-Token": token})
    assert (r.status_code, r.json()["error"]["code"]) == (429, "booking_rate_limited_client")
    assert "过于频繁" in r.json()["error"]["message"]


def test_no_staff_route_takes_a_citizens_cookie(phone) -> None:  # noqa: ANN001
    hall, token = phone
    for path in ("/api/v1/auth/me", "/api/v1/cases", "/api/v1/admin/audit"):
        r = hall.client.get(path, headers={"X-CSRF-Token": token})
        assert r.status_code == 401, path


def test_my_ticket_counts_down_then_shows_the_window(phone) -> None:  # noqa: ANN001
    hall, token = phone
    kiosk, w2 = hall.device("dispenser"), hall.device("workstation", 2)
    tickets = [hall.issue(kiosk, "A", minutes=i * 0.1)[0] for i in range(6)]
    mine = tickets[-1]

    def look() -> dict:
        r = hall.client.post("/api/v1/citizen/ticket", json={"ticket_id": mine}, headers={"X-CSRF-Token": token})
        assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
        return r.json()

    first = look()
    assert first["state"] == "waiting" and first["display"].startswith("A") and first["people_ahead"] == 5
    assert not first["near"] and first["wait_minutes"] > 0 and set(first) == {
        "display", "business", "state", "people_ahead", "wait_minutes", "near", "threshold", "window_number",
        "window_name"}  # nothing about any other ticket
    seen = []
    for i, other in enumerate(tickets[:-1]):
        assert hall.call(w2, other, 1 + i)["status"] == "accepted"
        assert hall.act(w2, "queue.start", other, 1.2 + i)["status"] == "accepted"
        assert hall.act(w2, "queue.finish", other, 1.5 + i)["status"] == "accepted"
        seen.append((look()["people_ahead"], look()["near"]))
    assert [a for a, _ in seen] == [4, 3, 2, 1, 0] and [n for _, n in seen] == [False, True, True, True, True]
    hall.call(w2, mine, 10)
    called = look()
    assert called["state"] == "called" and called["window_number"] == 2 and called["people_ahead"] is None
    r = hall.client.post("/api/v1/citizen/ticket", json={"ticket_id": "nope"}, headers={"X-CSRF-Token": token})
    assert (r.status_code, r.json()["error"]["code"]) == (404, "ticket_not_found")


HALL_AT = (23.0205, 113.7518)  # the demo hall's door, as set by its admin in these tests


def set_remote(hall, **remote) -> None:  # noqa: ANN001
    """The hall's 到厅取号 location, set through the admin API like any other hall rule."""
    admin = login(hall.client)
    rules = hall.client.get(f"/api/v1/queue/halls/{hall.hall_id}/config").json()["rules"]
    r = hall.client.put(f"/api/v1/queue/admin/halls/{hall.hall_id}/rules", headers=admin,
                        json={**rules, "remote": remote})
    assert r.status_code == 200, r.text


def remote(hall, token: str, n: int = 1, where: tuple[float, float] = HALL_AT, accuracy: float = 20,  # noqa: ANN001
           prefix: str = "A"):  # noqa: ANN201
    return hall.client.post("/api/v1/citizen/remote-ticket", headers={"X-CSRF-Token": token}, json={
        "hall_code": "DG-HALL-1", "business_id": hall.business[prefix], "id_number": person(n),
        "latitude": where[0], "longitude": where[1], "accuracy_m": accuracy})


def test_remote_ticket_needs_the_hall_location_and_a_phone_near_it(phone) -> None:  # noqa: ANN001
    hall, token = phone
    r = remote(hall, token)
    assert (r.status_code, r.json()["error"]["code"]) == (409, "remote_not_offered")
    assert "未设置大厅位置" in r.json()["error"]["message"]
    admin = login(hall.client)
    rules = hall.client.get(f"/api/v1/queue/halls/{hall.hall_id}/config").json()["rules"]
    too_wide = hall.client.put(f"/api/v1/queue/admin/halls/{hall.hall_id}/rules", headers=admin, json={
        **rules, "remote": {"enabled": True, "latitude": HALL_AT[0], "longitude": HALL_AT[1], "radius_m": 50_000}})
    assert (too_wide.status_code, too_wide.json()["error"]["code"]) == (422, "invalid_remote_rules")
    set_remote(hall, enabled=True, latitude=HALL_AT[0], longitude=HALL_AT[1], radius_m=300)
    far = remote(hall, token, where=(HALL_AT[0] + 0.01, HALL_AT[1]))  # about 1.1 km north
    assert (far.status_code, far.json()["error"]["code"]) == (409, "remote_too_far")
    vague = remote(hall, token, accuracy=2000)
    assert vague.json()["error"]["code"] == "remote_position_inaccurate"
    bad_id = remote(hall, token)
    bad = hall.client.post("/api/v1/citizen/remote-ticket", headers={"X-CSRF-Token": token}, json={
        **{"hall_code": "DG-HALL-1", "business_id": hall.business["A"], "latitude": HALL_AT[0],
           "longitude": HALL_AT[1], "accuracy_m": 10}, "id_number": person(2)[:-1] + "0"})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "bad_check_character"
    assert bad_id.status_code == 201, bad_id.text


def test_remote_tickets_share_the_hall_series_with_the_dispenser(phone) -> None:  # noqa: ANN001
    hall, token = phone
    set_remote(hall, enabled=True, latitude=HALL_AT[0], longitude=HALL_AT[1], radius_m=300)
    kiosk = hall.device("dispenser")
    walk_in, _ = hall.issue(kiosk, "A")
    first = remote(hall, token, 1, where=(HALL_AT[0] + 0.001, HALL_AT[1]))  # about 110 m away
    assert first.status_code == 201, first.text
    second = remote(hall, token, 2)
    again = remote(hall, token, 1)
    assert (again.status_code, again.json()["error"]["code"]) == (409, "person_already_queued")
    rows = hall.rows(kiosk, "queue_ticket")  # published to the hall's devices like any ticket
    displays = [rows[t]["display"] for t in (walk_in, first.json()["ticket_id"], second.json()["ticket_id"])]
    assert len(set(displays)) == 3 and all(d.startswith("A") for d in displays)
    assert rows[first.json()["ticket_id"]]["channel"] == "remote"
    assert person(1) not in str(rows)
    assert first.json()["follow_url"] == f"/m/q/{first.json()['ticket_id']}"
    mine = hall.client.post("/api/v1/citizen/ticket", json={"ticket_id": second.json()["ticket_id"]},
                            headers={"X-CSRF-Token": token}).json()
    assert mine["state"] == "waiting" and mine["people_ahead"] in (1, 2)  # behind the walk-in and/or the first
