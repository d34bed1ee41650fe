"""Hostile input found by probing the server as a fuzzer would (issue 18): each answers a specific 4xx in the
error envelope, never a 500, and nothing of it is stored."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from shared.db.models import Business, Hall
from tests.fixtures.server import login

HUGE = str(2**63)           # one past the largest 64-bit id a database column holds
HUGER = "9" * 30


def _code(response) -> str:  # noqa: ANN001
    assert 400 <= response.status_code < 500, (response.status_code, response.text)
    return response.json()["error"]["code"]


@pytest.fixture
def admin(client) -> dict:  # noqa: ANN001
    return login(client)


@pytest.fixture
def business_id(app) -> int:  # noqa: ANN001
    with app.state.database.session() as s:
        return s.scalars(select(Business.id).order_by(Business.id)).first()


@pytest.fixture
def hall_id(app) -> int:  # noqa: ANN001
    with app.state.database.session() as s:
        return s.scalars(select(Hall.id).where(Hall.code == "DG-HALL-1")).one()


@pytest.mark.parametrize("method,path", [
    ("GET", "/api/v1/queue/halls/{n}/config"),
    ("GET", "/api/v1/queue/businesses/{n}/slots?day=2026-11-02"),
    ("PATCH", "/api/v1/queue/admin/businesses/{n}"),
    ("PUT", "/api/v1/queue/admin/windows/{n}/services"),
    ("GET", "/api/v1/queue/halls/{n}/statistics?day=2026-11-02"),
    ("GET", "/api/v1/approval/definitions/00785/00785-S01/{n}"),
    ("PUT", "/api/v1/admin/calendar/years/{n}"),
])
@pytest.mark.parametrize("n", [HUGE, HUGER, "-" + str(2**63 + 1)])
def test_ids_beyond_64_bits_are_refused(client, admin, method: str, path: str, n: str) -> None:  # noqa: ANN001
    body = {"services": []} if "services" in path else ({"working_days": []} if "years" in path else {})
    r = client.request(method, path.format(n=n), headers=admin, json=body)
    assert _code(r) == "value_out_of_range"


@pytest.mark.parametrize("path,body", [
    ("/api/v1/sync/devices", {"kind": "display", "name": "x", "hall_id": 2**64}),
    ("/api/v1/admin/departments", {"code": "X", "name": "x", "sort_order": 2**70}),
])
def test_integers_beyond_64_bits_in_bodies_are_refused(client, admin, path: str, body: dict) -> None:  # noqa: ANN001
    r = client.post(path, headers=admin, json=body)
    assert _code(r) == "value_out_of_range"


@pytest.mark.parametrize("path", [
    "/api/v1/calendar/due?start={d}&workdays=5",
    "/api/v1/calendar/days/{d}",
    "/api/v1/queue/businesses/{b}/slots?day={d}",
    "/api/v1/queue/halls/{h}/statistics?day={d}",
    "/api/v1/queue/halls/{h}/statistics?day=2026-11-02&to={d}",
    "/api/v1/cases?received_from={d}",
    "/api/v1/statistics/cases?received_to={d}",
])
@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_dates_far_from_now_are_refused(client, admin, business_id, hall_id, path: str, day: str) -> None:  # noqa: ANN001
    r = client.get(path.format(d=day, b=business_id, h=hall_id), headers=admin)
    assert _code(r) == "date_out_of_range"


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_calendar_overrides_far_from_now_are_refused(client, admin, day: str) -> None:  # noqa: ANN001
    r = client.put(f"/api/v1/admin/calendar/days/{day}", headers=admin, json={"kind": "holiday", "name": "x"})
    assert _code(r) == "date_out_of_range"
    r = client.put("/api/v1/admin/calendar/years/9999", headers=admin, json={"working_days": []})
    assert _code(r) in ("date_out_of_range", "invalid_request")


@pytest.mark.parametrize("field", ["prefix", "name", "active", "sort_order"])
def test_a_null_for_a_required_business_field_is_refused(client, admin, business_id, app, field: str) -> None:  # noqa: ANN001
    r = client.patch(f"/api/v1/queue/admin/businesses/{business_id}", headers=admin, json={field: None})
    assert r.status_code == 422, r.text
    with app.state.database.session() as s:
        assert getattr(s.get(Business, business_id), field) is not None


def test_quota_times_of_day_with_a_time_zone_are_refused(client, admin, business_id) -> None:  # noqa: ANN001
    r = client.put(f"/api/v1/queue/admin/businesses/{business_id}/quota", headers=admin,
                   json={"opens_at": "09:00:00+08:00", "closes_at": "17:00:00", "lunch_start": "12:00:00Z",
                         "lunch_end": "13:00:00"})
    assert _code(r) == "time_zone_not_allowed"


def test_json_nested_too_deep_is_refused(client, admin, hall_id) -> None:  # noqa: ANN001
    deep: dict = {}
    for _ in range(300):
        deep = {"x": deep}
    r = client.put(f"/api/v1/queue/admin/halls/{hall_id}/rules", headers=admin, json=deep)
    assert _code(r) == "too_deep"


def test_a_body_too_deep_to_parse_or_not_utf8_is_refused_by_name(client, admin, hall_id) -> None:  # noqa: ANN001
    """Past the parser's own depth (it gives up before any limit is checked) or not UTF-8 text: the same codes as
    the bodies the parser can read, not FastAPI's bare "error parsing the body"."""
    url, json_type = f"/api/v1/queue/admin/halls/{hall_id}/rules", {**admin, "content-type": "application/json"}
    r = client.put(url, headers=json_type, content=b'{"x":' * 100_000 + b"1" + b"}" * 100_000)
    assert (r.status_code, _code(r)) == (422, "too_deep"), r.text
    r = client.put(url, headers=json_type, content='{"name": "大厅"}'.encode("gbk"))
    assert (r.status_code, _code(r)) == (400, "invalid_json"), r.text


def test_non_finite_numbers_are_refused(client, admin) -> None:  # noqa: ANN001
    r = client.post("/api/v1/sync/devices", headers={**admin, "content-type": "application/json"},
                    content=b'{"kind": "display", "name": "x", "hall_id": NaN}')
    assert _code(r) in ("invalid_json", "value_not_finite")


@pytest.mark.parametrize("rules,field", [
    ({"calling": [1]}, "calling"),
    ({"calling": "ab"}, "calling"),
    ({"lunch_closed_by_business": {"²": True}}, "lunch_closed_by_business"),
    ({"pm_starts_at": "12:00+08:00"}, "pm_starts_at"),
    ({"appointment": {"horizon_days": 10**15}}, "horizon_days"),
    ({"appointment": {"slot_minutes": 10**15}}, "slot_minutes"),
    ({"rating": {"rectification_workdays": 10**9}}, "rectification_workdays"),
    ({"estimate": {"default_service_minutes": 1e300}}, "default_service_minutes"),
])
def test_hall_rules_out_of_shape_or_range_are_refused_and_booking_still_works(client, admin, hall_id, business_id,  # noqa: ANN001
                                                                              rules: dict, field: str) -> None:
    r = client.put(f"/api/v1/queue/admin/halls/{hall_id}/rules", headers=admin, json=rules)
    assert r.status_code == 422, r.text
    assert r.json()["error"]["details"]["field"] == field
    slots = client.get(f"/api/v1/queue/businesses/{business_id}/slots?day=2026-11-03")
    assert slots.status_code == 200, slots.text
