"""The lunch-time rule per business (放号管控): the hall's rule is the default, a business may close over lunch
or keep issuing (中午不打烊) on its own, set through its quota and validated."""

from __future__ import annotations

import pytest

from tests.fixtures.server import login

LUNCH = {"daily_limit": None, "am_limit": None, "pm_limit": None, "opens_at": "09:00", "closes_at": "17:30",
         "lunch_start": "12:00", "lunch_end": "13:30", "paused": False}


@pytest.fixture
def api(qhall):  # noqa: ANN001, ANN201
    return qhall, qhall.client, login(qhall.client, "admin")


def _rules(client, hall) -> dict:  # noqa: ANN001
    return client.get(f"/api/v1/queue/halls/{hall.hall_id}/config").json()["rules"]


def test_one_business_closes_over_lunch_while_the_others_keep_issuing(api) -> None:  # noqa: ANN001
    hall, client, admin = api
    a = hall.business["A"]
    r = client.put(f"/api/v1/queue/admin/businesses/{a}/quota", headers=admin, json={**LUNCH, "lunch_closed": True})
    assert r.status_code == 200, r.text
    assert _rules(client, hall)["lunch_closed_by_business"] == {str(a): True}
    assert _rules(client, hall)["lunch_closed"] is False  # the hall's default is unchanged
    kiosk = hall.device("dispenser")
    assert hall.issue(kiosk, "A", minutes=160)[1]["result"]["flags"] == ["lunch_break"]  # 12:10
    assert hall.issue(kiosk, "B", minutes=161)[1]["result"]["flags"] == []
    assert hall.issue(kiosk, "A", minutes=245)[1]["result"]["flags"] == []  # 13:35, after lunch


def test_a_business_keeps_issuing_over_the_halls_lunch_then_follows_the_hall_again(api) -> None:  # noqa: ANN001
    hall, client, admin = api
    b = hall.business["B"]
    assert client.put(f"/api/v1/queue/admin/halls/{hall.hall_id}/rules", headers=admin,
                      json={"lunch_closed": True}).status_code == 200
    quota = f"/api/v1/queue/admin/businesses/{b}/quota"
    assert client.put(quota, headers=admin, json={**LUNCH, "lunch_closed": False}).status_code == 200
    # a later change of the hall's rules keeps the business's own lunch rule
    assert client.put(f"/api/v1/queue/admin/halls/{hall.hall_id}/rules", headers=admin,
                      json={"lunch_closed": True, "calling": {"max_wait_minutes": 50}}).status_code == 200
    kiosk = hall.device("dispenser")
    assert hall.issue(kiosk, "B", minutes=160)[1]["result"]["flags"] == []
    assert hall.issue(kiosk, "A", minutes=161)[1]["result"]["flags"] == ["lunch_break"]
    assert client.put(quota, headers=admin, json=LUNCH).status_code == 200  # lunch_closed omitted: the hall's
    assert _rules(client, hall)["lunch_closed_by_business"] == {}
    assert hall.issue(kiosk, "B", minutes=162)[1]["result"]["flags"] == ["lunch_break"]


def test_bad_lunch_rules_are_refused(api) -> None:  # noqa: ANN001
    hall, client, admin = api
    a = hall.business["A"]
    quota = f"/api/v1/queue/admin/businesses/{a}/quota"
    no_times = client.put(quota, headers=admin, json={**LUNCH, "lunch_start": None, "lunch_end": None,
                                                      "lunch_closed": True})
    assert (no_times.status_code, no_times.json()["error"]["code"]) == (422, "invalid_quota")
    assert no_times.json()["error"]["message"] == "放号规则配置有误"
    assert client.put(quota, headers=admin, json={**LUNCH, "lunch_closed": "yes"}).status_code == 422
    url = f"/api/v1/queue/admin/halls/{hall.hall_id}/rules"
    for body, code in [({"lunch_closed_by_business": {"999": True}}, "unknown_business"),
                       ({"lunch_closed_by_business": {str(a): "yes"}}, "invalid_quota"),
                       ({"lunch_closed_by_business": {"A": True}}, "invalid_quota"),
                       ({"lunch_closed_by_business": [a]}, "invalid_quota")]:
        r = client.put(url, headers=admin, json=body)
        assert (r.status_code, r.json()["error"]["code"]) == (422, code), (body, r.text)
    assert _rules(client, hall)["lunch_closed_by_business"] == {}  # nothing half-applied
