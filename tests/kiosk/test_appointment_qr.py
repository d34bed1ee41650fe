"""Appointment QR codes ("GOVHALL-APPT:<token>", shared.queue.appointment_qr) at the dispenser: a booking made
on the server is matched by its token's blind index, online (syncing first if the kiosk has not seen it yet)
and offline (only from the cache); used, unknown, cancelled, expired and other-day tokens are refused."""

from __future__ import annotations

import datetime as dt

import pytest
import requests

from kiosk.flow.dispenser import Step
from shared.queue import appointment_qr
from shared.queue.appointments import Appointment
from shared.queue.errors import IssueRefused
from shared.queue.rules import CheckInWindow
from tests.clock import TickingClock
from tests.kiosk.conftest import INDEX_KEY, MONDAY_10
from tests.kiosk.test_dispenser import business_id, dispenser, printer  # noqa: F401  (fixtures)


@pytest.fixture(autouse=True)
def pii_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """The server's keys; its index key is the hall's blind-index key the kiosk holds too."""
    monkeypatch.setenv("GOVHALL_PII_KEYS", f"t1:{'3a' * 16}")
    monkeypatch.setenv("GOVHALL_PII_INDEX_KEY", INDEX_KEY.hex())


def book(url: str, server_clock: TickingClock, business: int, slot: dt.datetime, id_number: str = "") -> str:
    """A booking made on the server three days before the slot (past every lead time); the server's clock then
    goes back to the day under test."""
    from drivers.sim.idcard import sample_id_number
    resume = server_clock()
    server_clock.jump_to(slot - dt.timedelta(days=3))
    try:
        reply = requests.post(f"{url}/api/v1/queue/appointments", timeout=10,
                              json={"business_id": business, "slot_start": slot.isoformat(),
                                    "id_number": id_number or sample_id_number()})
    finally:
        server_clock.jump_to(resume)
    assert reply.status_code == 201, reply.text
    return reply.json()["qr_token"]


def test_format_is_parsed_strictly() -> None:
    token = "AbCdEfGhIjKlMnOpQrStUvWx"
    assert appointment_qr.parse(appointment_qr.payload(token)) == token
    assert appointment_qr.parse(f" govhall-appt:{token}\n") == token
    for bad in ("GOVHALL-APPT:", "GOVHALL-APPT:short", f"GOVHALL-APPT:{token}!", f"YSS:{token}", token):
        assert appointment_qr.parse(bad) is None


def test_token_key_is_the_servers() -> None:
    from server.queue.appointments import QR_KIND
    assert appointment_qr.TOKEN_KIND == QR_KIND


@pytest.mark.parametrize("state, slot, code", [
    ("checked_in", MONDAY_10, "appointment_token_used"),
    ("late", MONDAY_10, "appointment_token_used"),
    ("cancelled", MONDAY_10, "appointment_token_cancelled"),
    ("no_show", MONDAY_10 - dt.timedelta(hours=1), "appointment_token_expired"),
    ("booked", MONDAY_10 - dt.timedelta(minutes=30), "appointment_token_expired"),
    ("booked", MONDAY_10 + dt.timedelta(days=1), "appointment_token_other_day"),
    ("booked", MONDAY_10 - dt.timedelta(days=1), "appointment_token_other_day"),
    ("booked", MONDAY_10 + dt.timedelta(hours=2), "check_in_too_early"),
])
def test_refusals(state: str, slot: dt.datetime, code: str) -> None:
    booked = appointment_qr.Booked(Appointment("a1", 7, "key", slot), state)
    with pytest.raises(IssueRefused) as refused:
        appointment_qr.check_in_by_token(booked, MONDAY_10, CheckInWindow())
    assert refused.value.code == code
    with pytest.raises(IssueRefused) as unknown:
        appointment_qr.check_in_by_token(None, MONDAY_10, CheckInWindow())
    assert unknown.value.code == "appointment_token_unknown"


def test_online_a_fresh_booking_is_fetched_and_issued(qtbot, dispenser, printer, hall,  # noqa: ANN001, F811
                                                      server_clock, screenshot) -> None:
    window, desk, _ = dispenser
    _, url, _, _ = hall
    slot = MONDAY_10 + dt.timedelta(minutes=30)
    token = book(url, server_clock, business_id(desk, "C"), slot)  # the kiosk has not synced it yet
    window.run(window.flow.scanned(appointment_qr.payload(token)))
    qtbot.waitUntil(lambda: window.flow.step is Step.ISSUED, timeout=8000)
    assert window.ticket.number.text() == "C001" and "C001" in printer[0].jobs_text()
    assert window.ticket.notice.text().startswith(f"您预约了 {slot:%H:%M} 的计量业务，已为您取号")
    screenshot(window, "dispenser/ticket-appointment-qr")
    qtbot.waitUntil(lambda: len(desk.sync.rows("queue_ticket")) == 1)
    desk.sync.sync_once()
    assert desk.sync.rejected() == []
    row = next(iter(desk.sync.confirmed("queue_ticket").values()))
    assert (row["channel"], row["priority_class"]) == ("qr", 1) and row["appointment_id"]
    assert desk.sync.rows("queue_appointment")[row["appointment_id"]]["state"] == "checked_in"
    window.run(window.flow.back())
    window.run(window.flow.scanned(appointment_qr.payload(token)))  # the same code again
    qtbot.waitUntil(lambda: window.flow.step is Step.REFUSED, timeout=5000)
    assert window.message.message.text() == "该预约已取号，请勿重复取号"
    screenshot(window, "dispenser/refused-appointment-used")


def test_an_unknown_token_is_refused(qtbot, dispenser) -> None:  # noqa: ANN001, F811
    window, _, _ = dispenser
    window.run(window.flow.scanned(appointment_qr.payload("x" * 24)))
    qtbot.waitUntil(lambda: window.flow.step is Step.REFUSED, timeout=5000)
    assert window.flow.refusal == "appointment_token_unknown"
    assert window.message.message.text() == "未查询到该二维码对应的预约，请刷身份证或咨询工作人员"


def test_offline_only_a_cached_appointment_is_issued(qtbot, dispenser, printer, hall,  # noqa: ANN001, F811
                                                     server_clock, screenshot) -> None:
    window, desk, network = dispenser
    _, url, _, _ = hall
    cached = book(url, server_clock, business_id(desk, "A"), MONDAY_10)
    desk.sync.sync_once()  # the kiosk now holds this booking
    unseen = book(url, server_clock, business_id(desk, "B"), MONDAY_10 + dt.timedelta(minutes=30), "11010519491231002X")
    network.down = True
    window.run(window.flow.scanned(appointment_qr.payload(unseen)))
    qtbot.waitUntil(lambda: window.flow.step is Step.REFUSED, timeout=5000)
    assert window.message.message.text() == "网络中断，本机暂无该预约信息，请刷身份证取号或咨询工作人员"
    screenshot(window, "dispenser/refused-appointment-offline")
    window.run(window.flow.back())
    window.run(window.flow.scanned(appointment_qr.payload(cached)))
    qtbot.waitUntil(lambda: window.flow.step is Step.ISSUED, timeout=5000)
    assert window.ticket.number.text().startswith("A") and window.ticket.number.text() in printer[0].jobs_text()
    network.down = False
    qtbot.waitUntil(lambda: desk.sync.status().pending == 1)
    desk.sync.sync_once()
    assert desk.sync.rejected() == []
    row = next(iter(desk.sync.confirmed("queue_ticket").values()))
    assert row["priority_class"] == 1 and desk.sync.rows("queue_appointment")[row["appointment_id"]]["state"] \
        == "checked_in"
