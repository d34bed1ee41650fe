"""Priority classes per business (优先类别): the admin sets which green-channel reasons a business offers; the
dispenser (reading the published rules row) and the server (deciding `queue.issue`) classify a ticket by the
same shared rule, shared.queue.issuance.priority_of — checked here as a differential over every reason."""

from __future__ import annotations

import pytest

from shared.queue.hall_rules import ALL_GREEN_REASONS, HallRules, rules_from_json, rules_from_row
from shared.queue.issuance import priority_of
from shared.queue.tickets import GreenChannelReason, PriorityClass
from tests.admin_api.support import audits
from tests.fixtures.server import login


@pytest.fixture
def api(qhall):  # noqa: ANN001, ANN201
    return qhall, qhall.client, login(qhall.client, "admin")


def _put_rules(client, hall, admin, doc: dict):  # noqa: ANN001, ANN202
    return client.put(f"/api/v1/queue/admin/halls/{hall.hall_id}/rules", headers=admin, json=doc)


def test_rules_document_round_trips_and_defaults_to_every_reason() -> None:
    rules = rules_from_json({"green_reasons_by_business": {"7": ["veteran", "elderly", "veteran"]}})
    assert rules.green_reasons_by_business == {7: ("elderly", "veteran")}  # canonical order, no repeats
    assert rules_from_json(rules.to_json()) == rules
    assert rules.green_reasons_for(7) == {GreenChannelReason.ELDERLY, GreenChannelReason.VETERAN}
    assert rules.green_reasons_for(8) == ALL_GREEN_REASONS  # not set: offers all, as before the setting
    assert HallRules().green_reasons_for(1) == ALL_GREEN_REASONS
    assert rules_from_json({"green_reasons_by_business": {"7": []}}).green_reasons_for(7) == frozenset()


def test_priority_of_applies_appointment_then_offered_reason() -> None:
    offered = frozenset({GreenChannelReason.PREGNANT})
    assert priority_of(True, GreenChannelReason.PREGNANT, offered) == (PriorityClass.APPOINTMENT, None)
    assert priority_of(False, GreenChannelReason.PREGNANT, offered) == (PriorityClass.GREEN_CHANNEL,
                                                                        GreenChannelReason.PREGNANT)
    assert priority_of(False, GreenChannelReason.ELDERLY, offered) == (PriorityClass.NORMAL, None)
    assert priority_of(False, None, offered) == (PriorityClass.NORMAL, None)


def test_bad_priority_classes_are_refused_with_specific_codes(api) -> None:  # noqa: ANN001
    hall, client, admin = api
    a = hall.business["A"]
    bad = _put_rules(client, hall, admin, {"green_reasons_by_business": {str(a): ["royalty"]}})
    assert (bad.status_code, bad.json()["error"]["code"]) == (422, "invalid_priority_classes")
    assert "优先类别" in bad.json()["error"]["message"]
    foreign = _put_rules(client, hall, admin, {"green_reasons_by_business": {"999999": ["elderly"]}})
    assert (foreign.status_code, foreign.json()["error"]["code"]) == (422, "unknown_business")
    assert foreign.json()["error"]["details"]["field"] == "green_reasons_by_business"


def test_dispenser_and_server_classify_every_reason_alike(api) -> None:  # noqa: ANN001
    hall, client, admin = api
    a, b = hall.business["A"], hall.business["B"]
    r = _put_rules(client, hall, admin, {"green_reasons_by_business": {str(a): ["pregnant", "veteran"]}})
    assert r.status_code == 200, r.text
    [entry] = audits(client, "queue.rules")  # who, before and after
    assert entry.actor == "admin" and entry.detail["before"]["green_reasons_by_business"] == {}
    assert entry.detail["after"]["green_reasons_by_business"] == {str(a): ["pregnant", "veteran"]}
    # a later rules change without the key (an older client) keeps the businesses' priority classes
    assert _put_rules(client, hall, admin, {"calling": {"max_wait_minutes": 50}}).status_code == 200
    kiosk = hall.device("dispenser")
    published = hall.rows(kiosk, "queue_hall_rules")[str(hall.hall_id)]
    dispenser_rules = rules_from_row(published)  # what the dispenser reads from its sync rows
    assert dispenser_rules.green_reasons_by_business == {a: ("pregnant", "veteran")}
    minutes = 0
    for prefix, business in (("A", a), ("B", b)):
        for reason in (None, *GreenChannelReason):
            minutes += 1
            extra = {"green_reason": reason.value} if reason else {}
            result = hall.issue(kiosk, prefix, minutes=minutes, **extra)[1]["result"]
            expected, green = priority_of(False, reason, dispenser_rules.green_reasons_for(business))
            assert result["priority_class"] == int(expected), (prefix, reason)
            assert ("green_reason_not_offered" in result["flags"]) == (reason is not None and green is None)
