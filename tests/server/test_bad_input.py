"""Bad input gets a specific 4xx in the error envelope: never a 500, never a half-written row."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from shared.db.models import Department
from tests.fixtures.server import login

DEPARTMENTS = "/api/v1/admin/departments"


def _departments(app) -> int:  # noqa: ANN001
    with app.state.database.session() as s:
        return s.scalar(select(func.count()).select_from(Department))


@pytest.mark.parametrize("body,status,code", [
    (b"{not json", 400, "invalid_json"),
    (b'{"username": "a", "password": "b"', 400, "invalid_json"),
    (b"[]", 422, "invalid_request"),
    (b'{"username": "admin"}', 422, "invalid_request"),
    (b'{"username": "admin", "password": 123}', 422, "invalid_request"),
    (b'{"username": "admin", "password": "x", "role": "admin"}', 422, "invalid_request"),
    (b'{"username": "", "password": "x"}', 422, "invalid_request"),
])
def test_login_refuses_malformed_bodies(client, body: bytes, status: int, code: str) -> None:
    r = client.post("/api/v1/auth/login", content=body, headers={"content-type": "application/json"})
    assert r.status_code == status, r.text
    assert r.json()["error"]["code"] == code


def test_validation_errors_name_the_field(client) -> None:
    r = client.post("/api/v1/auth/login", json={"username": "admin", "password": 5, "extra": 1})
    fields = {(d["field"], d["type"]) for d in r.json()["error"]["details"]}
    assert fields == {("body.password", "string_type"), ("body.extra", "extra_forbidden")}


def test_department_with_an_invalid_uscc_is_refused_with_its_reason(client, app) -> None:
    admin = login(client)
    before = _departments(app)
    r = client.post(DEPARTMENTS, headers=admin, json={"code": "NEW", "name": "新科室", "uscc": "91350100M000100Y44"})
    assert r.status_code == 422
    assert r.json()["error"]["details"][0]["type"] == "uscc.bad_check_character"
    r = client.post(DEPARTMENTS, headers=admin, json={"code": "NEW", "name": "新科室", "uscc": "91350100M000100O43"})
    assert r.json()["error"]["details"][0]["type"] == "uscc.bad_character"
    assert _departments(app) == before


def test_department_created_with_a_valid_uscc_and_duplicates_refused(client, app) -> None:
    admin = login(client)
    r = client.post(DEPARTMENTS, headers=admin,
                    json={"code": "NEW", "name": "新科室", "uscc": "91350100m000100y43", "parent_code": "DGZJ"})
    assert r.status_code == 201 and r.json()["uscc"] == "91350100M000100Y43"
    again = client.post(DEPARTMENTS, headers=admin, json={"code": "NEW", "name": "另一个"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "department_exists"
    same_uscc = client.post(DEPARTMENTS, headers=admin, json={"code": "N2", "name": "x", "uscc": "91350100M000100Y43"})
    assert same_uscc.status_code == 409 and same_uscc.json()["error"]["code"] == "uscc_in_use"
    orphan = client.post(DEPARTMENTS, headers=admin, json={"code": "N3", "name": "x", "parent_code": "NOPE"})
    assert orphan.status_code == 422 and orphan.json()["error"]["code"] == "parent_not_found"


def test_wrong_types_in_query_and_path(client) -> None:
    assert client.get("/api/v1/calendar/days/2026-02-30").status_code == 422
    assert client.get("/api/v1/calendar/due", params={"start": "2026-01-05", "workdays": "ten"}).status_code == 422
    assert client.get("/api/v1/calendar/due", params={"start": "2026-01-05", "workdays": 100000}).status_code == 422
    assert client.get("/api/v1/catalogue/items", params={"online": "maybe"}).status_code == 422


def test_oversized_body_is_refused_before_it_is_read(client, app) -> None:
    limit = app.state.settings.max_body_bytes
    r = client.post("/api/v1/auth/login", content=b"x" * (limit + 1), headers={"content-type": "application/json"})
    assert r.status_code == 413 and r.json()["error"]["code"] == "payload_too_large"


def test_unknown_route_and_method(client) -> None:
    assert client.get("/api/v1/nope").json()["error"]["code"] == "not_found"
    assert client.delete("/api/v1/catalogue/items").json()["error"]["code"] == "method_not_allowed"
