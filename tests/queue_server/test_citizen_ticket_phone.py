"""My ticket by ticket number and phone (issue 17) for tickets taken with a phone number at the dispenser
(手机号取号): found through the phone's blind index, today's ticket of that hall only; a wrong pair, another
day's ticket and an unknown hall get the unknown ticket's answer; tries are limited per address and per phone;
the page's form leads to the ticket's own page (/m/q/<ticket id>) in a real browser. And my bookings name a
checked-in booking's ticket (the page links it to that ticket's page)."""

from __future__ import annotations

import datetime as dt

import pytest

from server.api.citizen import TICKET_LOOKUP_PER_CLIENT_HOUR, TICKET_LOOKUP_PER_PHONE_HOUR
from shared.crypto.keys import keys_from_environment
from shared.crypto.ticket_key import derive_ticket_key
from shared.crypto.ticket_phone import seal_phone
from tests.browser import screenshot
from tests.queue_server.test_citizen_api import phone  # noqa: F401  (fixture)
from tests.queue_server.test_citizen_pages import SHOTS, site  # noqa: F401  (fixture)

PHONE = "13912345678"
URL = "/api/v1/citizen/ticket/by-phone"


def issue_with_phone(hall, kiosk, number: str = PHONE, prefix: str = "A", **over) -> tuple[str, str]:  # noqa: ANN001
    """A dispenser's 手机号取号 as it reaches the server: the phone sealed under the hall's ticket key."""
    args = hall.issue_args(kiosk, prefix, **over)
    args["phone_sealed"] = seal_phone(number, derive_ticket_key(keys_from_environment(), hall.hall_id),
                                      args["ticket_id"])
    answer = hall.push(kiosk, "queue.issue", args)
    assert answer["status"] == "accepted" and "phone_unreadable" not in answer["result"]["flags"], answer
    return args["ticket_id"], args["display"]


def ask(hall, token: str, number: str, phone_number: str, hall_code: str = "DG-HALL-1", **kw):  # noqa: ANN001, ANN201
    return hall.client.post(URL, json={"hall_code": hall_code, "number": number, "phone": phone_number},
                            headers={"X-CSRF-Token": token}, **kw)


def test_the_number_and_phone_find_the_ticket_and_a_wrong_pair_reads_as_unknown(phone) -> None:  # noqa: ANN001, F811
    hall, token = phone
    kiosk = hall.device("dispenser")
    hall.issue(kiosk, "A")  # A001 without a phone
    ticket_id, display = issue_with_phone(hall, kiosk)
    other_id, other_display = issue_with_phone(hall, kiosk, "13700001111")
    assert display == "A002" and other_display == "A003"
    for typed_number, typed_phone in (("A002", PHONE), (" a2 ", "139 1234 5678"), ("A0002", "+86 13912345678")):
        r = ask(hall, token, typed_number, typed_phone)
        assert r.status_code == 200, r.text
        assert r.json() == {"ticket_id": ticket_id, "display": "A002", "follow_url": f"/m/q/{ticket_id}"}
    followed = hall.client.post("/api/v1/citizen/ticket", json={"ticket_id": ticket_id},
                                headers={"X-CSRF-Token": token}).json()
    assert followed["display"] == "A002" and followed["state"] == "waiting"
    unknown = [ask(hall, token, "A003", PHONE),            # another person's ticket, my phone
               ask(hall, token, "A002", "13700001111"),    # my ticket, another phone
               ask(hall, token, "A001", PHONE),            # a ticket taken without a phone
               ask(hall, token, "A099", PHONE),            # no such number
               ask(hall, token, "A002", PHONE, hall_code="NOPE")]
    for r in unknown:
        assert (r.status_code, r.json()["error"]) == (404, {"code": "ticket_not_found",
                                                            "message": "未找到该号票，请核对后重试"}), r.text
    hall.clock.now = hall.clock.now + dt.timedelta(days=1)  # yesterday's ticket is not today's A002
    assert ask(hall, token, "A002", PHONE).status_code == 404


@pytest.mark.parametrize("number, typed_phone, code", [
    ("A002", "1391234567", "phone_wrong_length"),
    ("A002", "1391234567x", "phone_bad_character"),
    ("A-2", PHONE, "ticket_number_invalid"),
    ("甲002", PHONE, "ticket_number_invalid"),
])
def test_bad_input_is_named(phone, number: str, typed_phone: str, code: str) -> None:  # noqa: ANN001, F811
    hall, token = phone
    r = ask(hall, token, number, typed_phone)
    assert (r.status_code, r.json()["error"]["code"]) == (422, code), r.text
    if code == "ticket_number_invalid":
        assert r.json()["error"]["message"] == "号票号码格式有误，请按号票填写，例如 A012"
    else:
        assert "手机号码" in r.json()["error"]["message"]


def test_it_needs_the_csrf_token(phone) -> None:  # noqa: ANN001, F811
    hall, _ = phone
    r = hall.client.post(URL, json={"hall_code": "DG-HALL-1", "number": "A001", "phone": PHONE})
    assert (r.status_code, r.json()["error"]["code"]) == (403, "csrf_failed")


def test_tries_are_limited_per_phone_and_per_address(phone) -> None:  # noqa: ANN001, F811
    hall, token = phone
    ticket_id, _ = issue_with_phone(hall, hall.device("dispenser"))
    for n in range(TICKET_LOOKUP_PER_PHONE_HOUR):  # guessing numbers for one phone
        assert ask(hall, token, f"A{100 + n}", PHONE).status_code == 404
    r = ask(hall, token, "A001", PHONE)  # then even the right pair is refused
    assert (r.status_code, r.json()["error"]["code"]) == (429, "ticket_lookup_rate_limited")
    assert r.json()["error"]["message"] == "查询过于频繁，请一小时后再试"
    hall.clock.now = hall.clock.now + dt.timedelta(minutes=61)
    assert ask(hall, token, "A001", PHONE).json()["ticket_id"] == ticket_id
    for n in range(TICKET_LOOKUP_PER_CLIENT_HOUR - 1):  # one address trying many phones
        assert ask(hall, token, "A001", f"1380000{n:04d}").status_code == 404
    r = ask(hall, token, "A001", PHONE)
    assert (r.status_code, r.json()["error"]["code"]) == (429, "ticket_lookup_rate_limited")


@pytest.mark.slow
def test_the_form_leads_to_the_tickets_page_in_a_browser(site, phone_browser) -> None:  # noqa: ANN001
    from tests.queue_server.test_citizen_pages import by_id, visible_text, wait_for
    url, hall = site
    driver = phone_browser
    ticket_id, display = issue_with_phone(hall, hall.device("dispenser"))
    driver.get(f"{url}/m/?hall=DG-HALL-1#ticket")
    wait_for(driver, lambda d: by_id(d, "phone-ticket-form").is_displayed())
    by_id(driver, "phone-ticket-number").send_keys(display)
    by_id(driver, "phone-ticket-phone").send_keys("13700001111")  # not the phone it was taken with
    by_id(driver, "phone-ticket-submit").click()
    assert wait_for(driver, lambda d: visible_text(d, "error")) == "未找到该号票，请核对后重试"
    screenshot(driver, SHOTS / "phone-ticket-by-phone-refused.png")
    driver.set_window_size(360, 740)
    by_id(driver, "phone-ticket-phone").clear()
    by_id(driver, "phone-ticket-phone").send_keys(PHONE)
    by_id(driver, "phone-ticket-submit").click()
    wait_for(driver, lambda d: d.current_url == f"{url}/m/q/{ticket_id}")
    wait_for(driver, lambda d: visible_text(d, "ticket-ahead") == "前面还有 0 人")
    assert visible_text(driver, "ticket-number") == display and not by_id(driver, "phone-ticket-form").is_displayed()
    screenshot(driver, SHOTS / "phone-ticket-by-phone.png")


def test_my_bookings_give_a_checked_in_bookings_ticket_and_no_other(phone) -> None:  # noqa: ANN001, F811
    """How the citizen gets from the booking to 我的排队: once checked in, the booking names its ticket."""
    from tests.queue_server.support import START
    from tests.queue_server.test_api_appointments import person, slot
    from tests.queue_server.test_citizen_api import solve
    hall, token = phone
    h = {"X-CSRF-Token": token}
    hall.clock.now = START - dt.timedelta(hours=2)  # book at 07:30 for 10:00 (lead time)
    made = [hall.client.post("/api/v1/citizen/bookings", headers=h, json={
        "business_id": hall.business["A"], "slot_start": slot(10), "id_number": person(n), "name": "张三",
        **solve(hall.client)}).json() for n in (1, 2)]
    hall.clock.now = START
    kiosk = hall.device("dispenser")
    first = made[0]["appointment"]["id"]
    args = hall.issue_args(kiosk, "A", minutes=15, appointment_id=first, channel="qr",
                           person_key=hall.rows(kiosk, "queue_appointment")[first]["person_key"])
    assert hall.push(kiosk, "queue.issue", args)["status"] == "accepted"
    for n, booked, ticket in ((1, made[0], args["ticket_id"]), (2, made[1], None)):
        found = hall.client.post("/api/v1/citizen/bookings/search", headers=h, json={
            "id_number": person(n), "booking_code": booked["booking_code"]}).json()
        assert [(a["state"], a["ticket_id"]) for a in found] == [("checked_in" if ticket else "booked", ticket)]
