"""Queue configuration API: anyone reads, admins change, every change validated with a specific code."""

from __future__ import annotations

import pytest

from tests.fixtures.server import login


@pytest.fixture
def api(qhall):  # noqa: ANN001, ANN201
    return qhall, qhall.client, login(qhall.client, "admin")


def test_the_config_is_readable_and_rules_default(api) -> None:  # noqa: ANN001
    hall, client, _ = api
    body = client.get(f"/api/v1/queue/halls/{hall.hall_id}/config").json()
    assert {b["prefix"] for b in body["businesses"]} == set("ABCDEF")
    assert len(body["windows"]) == 10 and body["windows"][0]["services"][0]["level"] == 1
    assert body["rules"]["calling"]["recall_limit"] == 3 and body["rules"]["check_in"]["late_minutes"] == 15
    assert client.get("/api/v1/queue/halls/999/config").json()["error"]["code"] == "unknown_hall"


def test_admins_change_rules_and_bad_rules_are_refused(api) -> None:  # noqa: ANN001
    hall, client, admin = api
    url = f"/api/v1/queue/admin/halls/{hall.hall_id}/rules"
    rules = {"calling": {"recall_limit": 2, "no_show_after_recalls": 1, "fairness": {"priority": 1, "normal": 3},
                         "max_wait_minutes": 45, "near_call_threshold": 2},
             "check_in": {"early_minutes": 20, "late_minutes": 10}, "rating": {"rectification_workdays": 3},
             "lunch_closed": True}
    assert client.put(url, json=rules).status_code == 401
    clerk = login(client, "clerk")
    assert client.put(url, json=rules, headers=clerk).json()["error"]["code"] == "role_required"
    r = client.put(url, json=rules, headers=admin)
    assert r.status_code == 200, r.text
    got = client.get(f"/api/v1/queue/halls/{hall.hall_id}/config").json()["rules"]
    assert got["calling"]["fairness"] == {"priority": 1, "normal": 3} and got["lunch_closed"] is True
    for bad, code in [({"calling": {"recall_limit": 1, "no_show_after_recalls": 2}}, "invalid_calling_rules"),
                      ({"check_in": {"late_minutes": -1}}, "invalid_check_in_window"),
                      ({"appointment": {"slot_minutes": "30"}}, "invalid_appointment_rules"),
                      ({"surprise": {}}, "invalid_calling_rules"),
                      ({"pm_starts_at": "noon"}, "invalid_quota")]:
        r = client.put(url, json=bad, headers=admin)
        assert (r.status_code, r.json()["error"]["code"]) == (422, code), (bad, r.text)
        assert r.json()["error"]["message"]


def test_businesses_are_created_and_validated(api) -> None:  # noqa: ANN001
    hall, client, admin = api
    url = f"/api/v1/queue/admin/halls/{hall.hall_id}/businesses"
    ok = client.post(url, headers=admin, json={"code": "NEW", "prefix": "G", "name": "新业务"})
    assert ok.status_code == 201 and ok.json()["prefix"] == "G"
    for body, status, code in [({"code": "X1", "prefix": "A", "name": "重复字母"}, 409, "business_prefix_taken"),
                               ({"code": "NEW", "prefix": "H", "name": "重复编码"}, 409, "business_code_taken"),
                               ({"code": "X2", "prefix": "h1", "name": "坏字母"}, 422, "invalid_business"),
                               ({"code": "X3", "prefix": "J", "name": "部门", "department_id": 999}, 422,
                                "unknown_department")]:
        r = client.post(url, headers=admin, json=body)
        assert (r.status_code, r.json()["error"]["code"]) == (status, code)
    patch = client.patch(f"/api/v1/queue/admin/businesses/{ok.json()['id']}", headers=admin,
                         json={"active": False, "name": "停办业务"})
    assert patch.json()["active"] is False and patch.json()["name"] == "停办业务"
    assert client.patch("/api/v1/queue/admin/businesses/999", headers=admin,
                        json={"active": False}).json()["error"]["code"] == "unknown_business"


def test_quotas_and_window_services_are_validated(api) -> None:  # noqa: ANN001
    hall, client, admin = api
    a, d = hall.business["A"], hall.business["D"]
    url = f"/api/v1/queue/admin/businesses/{a}/quota"
    good = {"daily_limit": 50, "am_limit": 30, "pm_limit": 20, "opens_at": "08:30", "closes_at": "17:00",
            "lunch_start": "12:00", "lunch_end": "13:00", "paused": False}
    assert client.put(url, headers=admin, json=good).json()["opens_at"] == "08:30:00"
    bad = client.put(url, headers=admin, json={**good, "opens_at": "18:00"})
    assert (bad.status_code, bad.json()["error"]["code"]) == (422, "invalid_quota")
    lunch = client.put(url, headers=admin, json={**good, "lunch_end": None})
    assert lunch.json()["error"]["code"] == "invalid_quota"
    assert client.put(url, headers=admin, json={**good, "daily_limit": -1}).status_code == 422
    wurl = f"/api/v1/queue/admin/windows/{hall.window[4]}/services"
    r = client.put(wurl, headers=admin, json={"services": [{"business_id": d, "level": 1},
                                                           {"business_id": a, "level": 2}]})
    assert r.status_code == 200 and len(r.json()["services"]) == 2
    dup = client.put(wurl, headers=admin, json={"services": [{"business_id": a}, {"business_id": a}]})
    assert dup.json()["error"]["code"] == "invalid_window"
    unknown = client.put(wurl, headers=admin, json={"services": [{"business_id": 999}]})
    assert unknown.json()["error"]["code"] == "unknown_business"
    config = client.get(f"/api/v1/queue/halls/{hall.hall_id}/config").json()
    window4 = next(w for w in config["windows"] if w["number"] == 4)
    assert window4["services"] == [{"business_id": d, "level": 1}, {"business_id": a, "level": 2}]


def test_a_new_quota_applies_to_the_next_issue(api) -> None:  # noqa: ANN001
    hall, client, admin = api
    url = f"/api/v1/queue/admin/businesses/{hall.business['E']}/quota"
    assert client.put(url, headers=admin, json={"paused": True}).status_code == 200
    kiosk = hall.device("dispenser")
    assert hall.issue(kiosk, "E")[1]["result"]["flags"] == ["business_paused"]
