"""A swiped ID card at the dispenser (issue 18): online the server matches it (POST /api/v1/sync/card-match),
so a booking made minutes ago is found without the kiosk holding it, and without any key at the kiosk;
offline the kiosk matches its cache under the hall's ticket key, and only what it had synced."""

from __future__ import annotations

import datetime as dt

import pytest

from kiosk.services.issuing import TicketDesk
from kiosk.services.reference import load_directory
from shared.queue.appointments import CheckInStatus
from shared.sync.errors import SyncFailed
from tests.kiosk.conftest import INDEX_KEY, MONDAY_10, make_device, ticket_key
from tests.kiosk.test_appointment_qr import book

PERSON, OTHER = "11010519491231002X", "441900198001010015"


@pytest.fixture(autouse=True)
def pii_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVHALL_PII_KEYS", f"t1:{'3a' * 16}")
    monkeypatch.setenv("GOVHALL_PII_INDEX_KEY", INDEX_KEY.hex())


def _desk(hall, cache, key: bool = True):  # noqa: ANN001, ANN202
    sync, network = make_device(hall, cache, "dispenser")
    directory = load_directory(cache)
    desk = TicketDesk(sync, directory, ticket_key=ticket_key(directory.hall_id) if key else None,
                      now=lambda: MONDAY_10)
    business = {e.business.prefix: e.business.id for e in directory.entries}
    return desk, network, business


def test_online_the_server_matches_a_booking_the_kiosk_never_synced(hall, cache, server_clock) -> None:  # noqa: ANN001
    desk, _, business = _desk(hall, cache, key=False)  # no key at all: the match is the server's
    _, url, _, _ = hall
    book(url, server_clock, business["A"], MONDAY_10 + dt.timedelta(minutes=30), PERSON)
    assert desk.sync.rows("queue_appointment") == {}
    found = desk.find_appointment(PERSON)
    assert found is not None and found.status is CheckInStatus.ON_TIME
    assert found.appointment.business_id == business["A"] and found.appointment.person_id == PERSON
    assert desk.find_appointment(OTHER) is None


def test_offline_the_kiosk_matches_only_what_it_synced(hall, cache, server_clock) -> None:  # noqa: ANN001
    desk, network, business = _desk(hall, cache)
    _, url, _, _ = hall
    book(url, server_clock, business["A"], MONDAY_10, PERSON)
    desk.sync.sync_once()  # the kiosk now holds this booking, keyed under its hall's ticket key
    book(url, server_clock, business["B"], MONDAY_10 + dt.timedelta(minutes=30), OTHER)
    network.down = True
    cached = desk.find_appointment(PERSON)
    assert cached is not None and cached.appointment.business_id == business["A"]
    assert desk.find_appointment(OTHER) is None  # booked after the last sync: not known offline
    with pytest.raises(SyncFailed):
        desk.sync.sync_once()
    network.down = False
    asked = []
    network.request = lambda *a, **kw: asked.append(a) or network.http.request(*a, **kw)
    assert desk.find_appointment(OTHER) is None and asked == []  # the last sync found no network: no wait
    desk.sync.sync_once()
    asked.clear()
    assert desk.find_appointment(OTHER).appointment.business_id == business["B"]  # online again: asked
    assert asked and all(OTHER not in str(a) for a in asked)  # the URL carries no ID number
