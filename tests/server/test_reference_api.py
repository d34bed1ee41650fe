"""Health, the catalogue, organisation and calendar APIs."""

from __future__ import annotations

from tests.fixtures.server import login


def test_healthz(client) -> None:
    r = client.get("/healthz")
    assert r.status_code == 200 and r.json()["status"] == "ok"


def test_catalogue_lists_the_demo_items(client) -> None:
    items = client.get("/api/v1/catalogue/items", params={"online": True}).json()
    assert len(items) == 12
    assert items[0]["code"] == "00785" and items[0]["name"] == "工业产品生产许可证核发"
    licences = client.get("/api/v1/catalogue/items", params={"category": "administrative_licence"}).json()
    assert {i["code"] for i in licences} == {"00785", "00790", "00775", "00780", "00777", "000791"}
    assert [i["code"] for i in client.get("/api/v1/catalogue/items", params={"q": "电梯"}).json()] == []
    assert [i["code"] for i in client.get("/api/v1/catalogue/items", params={"q": "使用登记"}).json()] == ["00790"]


def test_item_detail_has_sub_items_situations_and_materials(client) -> None:
    item = client.get("/api/v1/catalogue/items/00790").json()
    assert len(item["sub_items"]) == 8
    assert "特种设备使用登记（电梯）" in [s["name"] for s in item["sub_items"]]
    first = item["situations"][0]
    assert first["name"] == "特种设备使用登记"
    assert any(m["required"] and m["name"] == "特种设备产品合格证及监督检验证明" for m in first["materials"])


def test_unknown_item_and_category(client) -> None:
    r = client.get("/api/v1/catalogue/items/99999")
    assert r.status_code == 404 and r.json()["error"]["code"] == "item_not_found"
    r = client.get("/api/v1/catalogue/items", params={"category": "nonsense"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "unknown_category"


def test_hall_detail(client) -> None:
    halls = client.get("/api/v1/halls").json()
    assert [h["code"] for h in halls] == ["DG-HALL-1"]
    hall = client.get("/api/v1/halls/DG-HALL-1").json()
    assert [f["name"] for f in hall["floors"]] == ["一楼", "二楼"]
    assert [w["number"] for w in hall["windows"]] == list(range(1, 11))
    a = next(b for b in hall["businesses"] if b["prefix"] == "A")
    assert a["quota"]["daily_limit"] == 200 and a["quota"]["opens_at"] == "09:00:00"
    assert client.get("/api/v1/halls/NOPE").status_code == 404
    assert len(client.get("/api/v1/towns").json()) == 33


def test_calendar_lookups(client) -> None:
    assert client.get("/api/v1/calendar/days/2026-10-10").json() == {
        "day": "2026-10-10", "is_workday": True, "source": "official"}
    due = client.get("/api/v1/calendar/due", params={"start": "2026-04-28", "workdays": 5}).json()
    assert due["due"] == "2026-05-08"
    r = client.get("/api/v1/calendar/days/2027-03-01")
    assert r.status_code == 409 and r.json()["error"]["code"] == "calendar_not_published"
    assert r.json()["error"]["details"]["year"] == 2027


def test_admin_enters_2027(client) -> None:
    admin = login(client)
    assert client.put("/api/v1/admin/calendar/days/2027-01-01", headers=admin,
                      json={"is_workday": False, "notice": "国办发明电〔2026〕示例号"}).status_code == 200
    assert client.put("/api/v1/admin/calendar/years/2027", headers=admin,
                      json={"notice": "国办发明电〔2026〕示例号"}).status_code == 204
    assert client.get("/api/v1/calendar/days/2027-01-01").json()["source"] == "override"
    assert client.get("/api/v1/calendar/days/2027-03-01").json() == {
        "day": "2027-03-01", "is_workday": True, "source": "published_year"}
    due = client.get("/api/v1/calendar/due", params={"start": "2026-12-30", "workdays": 2}).json()
    assert due["due"] == "2027-01-04"


def test_calendar_admin_requires_the_admin_role(client) -> None:
    clerk = login(client, "clerk")
    r = client.put("/api/v1/admin/calendar/days/2027-01-01", headers=clerk, json={"is_workday": False})
    assert r.status_code == 403 and r.json()["error"]["code"] == "role_required"
    assert client.put("/api/v1/admin/calendar/days/2027-01-01", json={"is_workday": False}).status_code == 401


def test_openapi_is_generated(client) -> None:
    spec = client.get("/openapi.json").json()
    assert "/api/v1/auth/login" in spec["paths"] and "/api/v1/catalogue/items/{code}" in spec["paths"]
