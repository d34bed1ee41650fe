"""POST /api/v1/sync/card-match (issue 18): a dispenser's swiped ID card is matched on the server, whose
blind-index key never leaves it. Dispensers only; the ID number in the body; today's appointments of the
device's hall, masked and without index keys; each dispenser limited per hour with its own code."""

from __future__ import annotations

import pytest

from shared.protocol import card_match
from tests.queue_server.support import DAY
from tests.queue_server.test_api_appointments import api, person, slot  # noqa: F401 - the fixture

URL = "/api/v1/sync" + card_match.PATH


def test_a_dispenser_gets_the_cards_appointments_of_today_masked(api) -> None:  # noqa: ANN001, F811
    hall, book = api
    today = book(1, slot(14)).json()["appointment"]
    assert book(1, slot(10, day=DAY.replace(day=DAY.day + 1))).status_code == 201  # tomorrow: not asked for
    assert book(2, slot(15)).status_code == 201  # someone else
    kiosk = hall.device("dispenser")
    r = hall.client.post(URL, json={"id_number": person(1)}, headers=kiosk.headers)
    assert r.status_code == 200, r.text
    assert r.json() == [today]
    assert person(1) not in r.text and not {"person_key", "token_key"} & set(r.json()[0])
    assert r.json()[0]["masked_id"] == "441900********" + person(1)[-4:]
    nobody = hall.client.post(URL, json={"id_number": person(3)}, headers=kiosk.headers)
    assert (nobody.status_code, nobody.json()) == (200, [])


def test_only_dispensers_may_ask_and_bad_input_is_refused(api) -> None:  # noqa: ANN001, F811
    hall, book = api
    book(1, slot(14))
    for kind in ("evaluator", "display", "controller", "workstation"):
        dev = hall.device(kind, 1 if kind == "workstation" else None)
        r = hall.client.post(URL, json={"id_number": person(1)}, headers=dev.headers)
        assert (r.status_code, r.json()["error"]["code"]) == (403, "device_kind_not_allowed"), kind
    anonymous = hall.client.post(URL, json={"id_number": person(1)})
    assert (anonymous.status_code, anonymous.json()["error"]["code"]) == (401, "device_token_required")
    kiosk = hall.device("dispenser")
    bad = hall.client.post(URL, json={"id_number": person(1)[:-1] + "0"}, headers=kiosk.headers)
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "bad_check_character"
    in_url = hall.client.post(URL, params={"id_number": person(1)}, json={}, headers=kiosk.headers)
    assert in_url.status_code == 422  # the number is read from the body only


def test_each_dispenser_is_limited_per_hour(api, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001, F811
    hall, _ = api
    monkeypatch.setattr(card_match, "PER_DEVICE_PER_HOUR", 2)
    kiosk, other = hall.device("dispenser"), hall.device("dispenser")
    answers = [hall.client.post(URL, json={"id_number": person(1)}, headers=kiosk.headers) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[-1].json()["error"]["code"] == "card_match_rate_limited"
    assert hall.client.post(URL, json={"id_number": person(1)}, headers=other.headers).status_code == 200
