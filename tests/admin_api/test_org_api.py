"""Issue 14 part 1, organisation: centres and halls (centre-wide admins), floors and windows (the hall's admin),
each refused with a specific code for bad input, for other halls and for non-admins, and audited with its
before and after."""

from __future__ import annotations

import pytest

from tests.admin_api.support import admin_world, audits, code

A = "/api/v1/admin"


@pytest.fixture
def world(client):  # noqa: ANN001, ANN201
    return admin_world(client)


def test_a_centre_admin_sets_up_a_hall_with_floors_and_windows(world) -> None:  # noqa: ANN001
    c = world.client
    r = c.post(f"{A}/halls", headers=world.centre_admin,
               json={"centre_id": world.centre_id, "code": "NEW-HALL", "name": "新区大厅", "address": "新区一路1号"})
    assert r.status_code == 201, r.text
    hall = r.json()
    floor = c.post(f"{A}/halls/{hall['id']}/floors", headers=world.centre_admin, json={"level": 1, "name": "一楼"})
    assert floor.status_code == 201, floor.text
    window = c.post(f"{A}/halls/{hall['id']}/windows", headers=world.centre_admin,
                    json={"number": 1, "name": "综合窗口", "floor_id": floor.json()["id"], "led_address": "3"})
    assert window.status_code == 201, window.text
    assert window.json()["led_address"] == "3" and window.json()["floor_id"] == floor.json()["id"]
    public = c.get("/api/v1/halls/NEW-HALL").json()  # what every other screen reads
    assert public["address"] == "新区一路1号" and [f["name"] for f in public["floors"]] == ["一楼"]
    assert [w["number"] for w in public["windows"]] == [1]
    [created] = audits(c, "org.hall.create")
    assert created.actor == "centre-admin" and created.detail["before"] is None
    assert created.detail["after"]["name"] == "新区大厅"


def test_a_window_number_is_unique_in_its_hall(world) -> None:  # noqa: ANN001
    c, url = world.client, f"{A}/halls/{world.hall_id}/windows"
    taken = c.post(url, headers=world.admin, json={"number": 1, "name": "重复"})
    assert (taken.status_code, code(taken)) == (409, "window_number_taken")
    assert "1号窗口" in taken.json()["error"]["message"]
    fresh = c.post(url, headers=world.admin, json={"number": 88, "name": "新窗口"})
    assert fresh.status_code == 201
    other = c.post(f"{A}/halls/{world.other_hall_id}/windows", headers=world.other_admin,
                   json={"number": 88, "name": "他厅同号"})
    assert other.status_code == 201  # another hall may use the same number
    moved = c.patch(f"{A}/windows/{fresh.json()['id']}", headers=world.admin, json={"number": 1})
    assert code(moved) == "window_number_taken"
    assert c.get(f"{A}/halls/{world.hall_id}/windows", headers=world.admin).json()[-1]["number"] == 88


def test_window_edits_are_audited_with_before_and_after(world) -> None:  # noqa: ANN001
    c = world.client
    window = c.get(f"{A}/halls/{world.hall_id}/windows", headers=world.admin).json()[0]
    r = c.patch(f"{A}/windows/{window['id']}", headers=world.admin,
                json={"name": "暂停窗口", "active": False, "led_address": "12"})
    assert r.status_code == 200, r.text
    assert (r.json()["name"], r.json()["active"], r.json()["led_address"]) == ("暂停窗口", False, "12")
    [entry] = audits(c, "org.window.update")
    assert entry.detail["before"]["active"] is True and entry.detail["before"]["led_address"] is None
    assert entry.detail["after"]["active"] is False and entry.detail["after"]["led_address"] == "12"
    second = c.get(f"{A}/halls/{world.hall_id}/windows", headers=world.admin).json()[1]
    clash = c.patch(f"{A}/windows/{second['id']}", headers=world.admin, json={"led_address": "12"})
    assert code(clash) == "led_address_taken"


@pytest.mark.parametrize("body, field", [
    ({"number": 0, "name": "x"}, "number"),
    ({"number": 55, "name": ""}, "name"),
    ({"number": 55, "name": "x", "led_address": "a b"}, "led_address"),
    ({"number": 55, "name": "x", "colour": "red"}, "colour"),
])
def test_bad_windows_are_refused(world, body, field) -> None:  # noqa: ANN001
    url = f"{A}/halls/{world.hall_id}/windows"
    before = world.client.get(url, headers=world.admin).json()
    r = world.client.post(url, headers=world.admin, json=body)
    assert (r.status_code, code(r)) == (422, "invalid_request"), r.text
    assert any(p["field"].endswith(field) for p in r.json()["error"]["details"]), r.text
    assert world.client.get(url, headers=world.admin).json() == before


def test_refusals_for_other_halls_and_non_admins(world) -> None:  # noqa: ANN001
    c = world.client
    hall_url = f"{A}/halls/{world.hall_id}"
    assert code(c.post(f"{hall_url}/floors", headers=world.clerk, json={"level": 9, "name": "九楼"})) == \
        "role_required"
    assert code(c.post(f"{hall_url}/floors", headers=world.other_admin, json={"level": 9, "name": "九楼"})) == \
        "hall_forbidden"
    assert code(c.post(f"{A}/halls", headers=world.admin,
                       json={"centre_id": world.centre_id, "code": "X", "name": "x"})) == "hall_forbidden"
    assert code(c.post(f"{A}/halls", headers=world.centre_admin,
                       json={"centre_id": 999, "code": "X", "name": "x"})) == "unknown_centre"
    demo_code = c.get("/api/v1/halls").json()[0]["code"]
    assert code(c.post(f"{A}/halls", headers=world.centre_admin,
                       json={"centre_id": world.centre_id, "code": demo_code, "name": "x"})) == "hall_code_taken"
    floor = c.post(f"{hall_url}/floors", headers=world.admin, json={"level": 9, "name": "九楼"}).json()
    assert code(c.post(f"{hall_url}/floors", headers=world.admin, json={"level": 9, "name": "又九楼"})) == \
        "floor_level_taken"
    assert code(c.patch(f"{A}/floors/{floor['id']}", headers=world.other_admin, json={"name": "x"})) == \
        "hall_forbidden"
    other_floor = c.post(f"{A}/halls/{world.other_hall_id}/floors", headers=world.other_admin,
                         json={"level": 1, "name": "一楼"}).json()
    foreign = c.post(f"{hall_url}/windows", headers=world.admin,
                     json={"number": 77, "name": "x", "floor_id": other_floor["id"]})
    assert code(foreign) == "unknown_floor"
    renamed = c.patch(hall_url, headers=world.admin, json={"name": "东莞市民服务中心大厅", "address": "鸿福路"})
    assert renamed.status_code == 200 and renamed.json()["address"] == "鸿福路"
    assert audits(c, "org.hall.update")[0].detail["after"]["address"] == "鸿福路"
