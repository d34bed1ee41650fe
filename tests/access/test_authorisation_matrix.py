"""Issue 18: the authorisation matrix. Every route of the app (enumerated, so a new route without an entry
here fails) × anonymous, each role, a hall device, and another hall's supervisor and admin → allowed or
denied. Denied means a 401/403 with an access code; allowed means anything else (a 404 or 422 for the
placeholder ids and empty bodies used here is an answer past the access checks)."""

from __future__ import annotations

from collections.abc import Iterator

import datetime as dt
import uuid

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import select

from server.core.settings import Settings
from server.main import create_app
from server.queue.models import QueueAppointment
from shared.db.models import Business, Floor, Material
from tests.access.support import PASSWORD, add_other_hall, add_staff, device
from tests.approval_server.support import TEST_KEYS
from tests.fixtures.server import FakeClock

STAFF_HERE = ("clerk", "approver", "supervisor", "admin", "leader")
OTHER_HALL = ("supervisor2", "admin2")
PRINCIPALS = ("anonymous", *STAFF_HERE, "device", *OTHER_HALL)
ALLOWED = {
    "public": set(PRINCIPALS),
    "staff": {*STAFF_HERE, *OTHER_HALL},          # any signed-in member; data confined to their own hall
    "admin": {"admin", "admin2"},                 # centre-wide admin actions
    "hall admin": {"admin"},                      # admin actions on the demo hall's things
    "hall supervisor": {"supervisor", "admin"},   # supervision of the demo hall
    # the licence register's roles (shared.protocol.licences): every demo member but the leader holds one
    "licence staff": {"clerk", "approver", "supervisor", "admin", *OTHER_HALL},
    "hall oversight": {"supervisor", "admin", "leader"},  # the demo hall's figures, read (领导 too)
    "hall counter": {"clerk", "supervisor", "admin"},  # counter staff of the demo hall
    "device": {"device"},
    "overseer": {"supervisor", "admin", "supervisor2", "admin2"},  # supervision, each of their own hall
    "centre admin": set(),  # an admin of no hall only (none here: tests/admin_api/test_org_api.py)
}
MATRIX = {
    "GET /healthz": "public",
    "POST /api/v1/auth/login": "public",
    "POST /api/v1/auth/logout": "staff",
    "GET /api/v1/auth/me": "staff",
    "POST /api/v1/auth/password": "staff",
    "PUT /api/v1/auth/pin": "staff",
    "POST /api/v1/auth/pin-login": "public",
    "GET /api/v1/catalogue/items": "public",
    "GET /api/v1/catalogue/items/{code}": "public",
    "GET /api/v1/halls": "public",
    "GET /api/v1/halls/{code}": "public",
    "GET /api/v1/towns": "public",
    "GET /api/v1/departments": "public",
    "POST /api/v1/admin/departments": "admin",
    "GET /api/v1/calendar/days/{day}": "public",
    "GET /api/v1/calendar/due": "public",
    "PUT /api/v1/admin/calendar/days/{day}": "admin",
    "DELETE /api/v1/admin/calendar/days/{day}": "admin",
    "PUT /api/v1/admin/calendar/years/{year}": "admin",
    "GET /api/v1/calendar/years/{year}": "public",
    "POST /api/v1/admin/calendar/years/{year}/import": "admin",
    "POST /api/v1/sync/devices": "admin",
    "POST /api/v1/sync/provision": "admin",
    "POST /api/v1/sync/registration-codes": "admin",
    # a new device redeems a one-time code it scanned: it has no token yet (tests/server/test_registration_codes.py)
    "POST /api/v1/sync/register": "public",
    "POST /api/v1/sync/compact": "admin",
    "POST /api/v1/sync/push": "device",
    "GET /api/v1/sync/pull": "device",
    "GET /api/v1/sync/snapshot": "device",
    "POST /api/v1/sync/lease": "device",
    "GET /api/v1/sync/events": "device",
    "POST /api/v1/sync/card-match": "device",  # dispensers only (tests/queue_server/test_card_match.py)
    "GET /api/v1/queue/halls/{hall_id}/config": "public",
    "PUT /api/v1/queue/admin/halls/{hall_id}/rules": "hall admin",
    "POST /api/v1/queue/admin/halls/{hall_id}/businesses": "hall admin",
    "PATCH /api/v1/queue/admin/businesses/{business_id}": "hall admin",
    "PUT /api/v1/queue/admin/businesses/{business_id}/quota": "hall admin",
    "PUT /api/v1/queue/admin/windows/{window_id}/services": "hall admin",
    "POST /api/v1/queue/appointments": "public",
    "POST /api/v1/queue/appointments/search": "public",
    "POST /api/v1/queue/appointments/qr": "public",
    "POST /api/v1/queue/appointments/{appointment_id}/cancel": "hall counter",  # citizens: ID number + code
    "GET /api/v1/queue/businesses/{business_id}/slots": "public",
    "POST /api/v1/queue/admin/halls/{hall_id}/appointments/no-shows": "hall supervisor",
    "GET /api/v1/queue/halls/{hall_id}/statistics": "hall oversight",
    "GET /api/v1/ratings/halls/{hall_id}/rectifications": "hall oversight",
    "GET /api/v1/ratings/halls/{hall_id}/statistics": "hall oversight",
    "GET /api/v1/cases": "staff",
    "POST /api/v1/cases/search": "staff",
    "GET /api/v1/devices": "overseer",
    "GET /api/v1/halls/{hall_id}/notice": "hall supervisor",
    "PUT /api/v1/halls/{hall_id}/notice": "hall admin",
    "GET /api/v1/admin/halls/{hall_id}/notice-settings": "hall admin",
    "PUT /api/v1/admin/halls/{hall_id}/notice-settings": "hall admin",
    "POST /api/v1/admin/halls/{hall_id}/notice-settings/preview": "hall admin",
    "GET /api/v1/cases/{case_id}": "staff",
    "GET /api/v1/cases/{case_id}/notices/{kind}": "staff",
    # the demo's clerk is also 制证人员 and its approver also 决定人: every staff role here holds one of
    # server/api/licences.py's roles; each sees its own hall's licences only (tests/approval_server/test_licences.py)
    "POST /api/v1/licences/search": "licence staff",
    "GET /api/v1/licences/{licence_id}/certificate": "licence staff",
    "POST /api/v1/licences/{licence_id}/revoke": "licence staff",
    "POST /api/v1/licences/{licence_id}/reissue": "licence staff",
    "GET /api/v1/licences/{licence_id}/history": "licence staff",
    "GET /v/{token}": "public",
    "GET /api/v1/admin/licence-rules/{code}": "admin",
    "PUT /api/v1/admin/licence-rules/{code}": "admin",
    "GET /api/v1/halls/{hall_id}/archives": "hall supervisor",
    "GET /api/v1/halls/{hall_id}/archives/period/export": "hall supervisor",
    "GET /api/v1/halls/{hall_id}/archives/period/list": "hall supervisor",
    "GET /api/v1/halls/{hall_id}/archives/{case_id}": "hall supervisor",
    "GET /api/v1/halls/{hall_id}/archives/{case_id}/verification": "hall supervisor",
    "GET /api/v1/halls/{hall_id}/archives/{case_id}/export": "hall supervisor",
    "POST /api/v1/halls/{hall_id}/archives/{case_id}/disposal": "hall admin",
    "GET /api/v1/worklists/todo": "staff",
    "GET /api/v1/worklists/near-due": "staff",
    "GET /api/v1/worklists/overdue": "staff",
    "GET /api/v1/statistics/cases": "staff",
    "GET /api/v1/approval/definitions": "staff",
    "GET /api/v1/approval/definitions/{item}/{situation}": "staff",
    "GET /api/v1/approval/definitions/{item}/{situation}/{version}": "staff",
    "POST /api/v1/approval/definitions/{item}/{situation}": "admin",
    "GET /api/v1/approval/definitions/{item}/{situation}/usage": "admin",
    "PUT /api/v1/admin/catalogue/items/{code}": "admin",
    "GET /api/v1/admin/catalogue/export": "admin",
    "POST /api/v1/admin/catalogue/import": "admin",
    "PUT /api/v1/admin/catalogue/materials/{material_id}/sample": "admin",
    "GET /api/v1/admin/catalogue/items/{code}/samples": "admin",
    "GET /api/v1/admin/catalogue/materials/{material_id}/sample": "admin",
    "DELETE /api/v1/admin/catalogue/materials/{material_id}/sample": "admin",
    # a material's sample file (样表), read by workstations and dispensers (the matrix's device: a dispenser)
    "GET /api/v1/sync/material-samples/{material_id}": "device",
    "POST /api/v1/approval/registry/companies": "admin",
    "POST /api/v1/approval/registry/persons": "admin",
    "POST /api/v1/admin/staff/{user_id}/password-reset": "hall admin",
    "POST /api/v1/admin/staff/{user_id}/disable": "hall admin",
    "POST /api/v1/admin/staff/{user_id}/enable": "hall admin",
    "POST /api/v1/admin/staff/{user_id}/sessions/revoke": "hall admin",
    "POST /api/v1/admin/devices/{device_id}/revoke": "hall admin",
    "POST /api/v1/admin/devices/{device_id}/rotate": "hall admin",
    "GET /api/v1/admin/audit": "admin",
    "GET /api/v1/admin/audit/export": "admin",
    "GET /api/v1/admin/notifications": "admin",  # rows of the admin's own hall (tests/notify/test_admin_api.py)
    "POST /api/v1/admin/notifications/opt-outs": "admin",
    "GET /api/v1/admin/centres": "admin",
    "POST /api/v1/admin/centres": "centre admin",
    "POST /api/v1/admin/halls": "centre admin",
    "PATCH /api/v1/admin/halls/{hall_id}": "hall admin",
    "GET /api/v1/admin/halls/{hall_id}/floors": "hall admin",
    "POST /api/v1/admin/halls/{hall_id}/floors": "hall admin",
    "PATCH /api/v1/admin/floors/{floor_id}": "hall admin",
    "GET /api/v1/admin/halls/{hall_id}/windows": "hall admin",
    "POST /api/v1/admin/halls/{hall_id}/windows": "hall admin",
    "PATCH /api/v1/admin/windows/{window_id}": "hall admin",
    "GET /api/v1/admin/halls/{hall_id}/staff": "hall admin",
    "POST /api/v1/admin/halls/{hall_id}/staff": "hall admin",
    "PATCH /api/v1/admin/staff/{user_id}": "hall admin",
    "PUT /api/v1/admin/staff/{user_id}/photo": "hall admin",
    "GET /api/v1/admin/staff/{user_id}/photo": "hall admin",
    "GET /api/v1/admin/roles": "admin",
    # evaluators only (the matrix's device, a dispenser, gets photo_not_for_device past the access check;
    # tests/admin_api/test_staff_api.py)
    "GET /api/v1/sync/staff/{user_id}/photo": "device",
    # case attachments: workstations of the case's hall only (the matrix's device, a dispenser, gets
    # device_kind_not_allowed past the access check; tests/client/test_attachments.py)
    "PUT /api/v1/sync/attachments/{attachment_id}": "device",
    "PUT /api/v1/sync/attachments/{attachment_id}/chunks/{index}": "device",
    "GET /api/v1/sync/attachments/{attachment_id}/content": "device",
    # the booking's name for the clerk serving its ticket: workstations of the ticket's hall with a counter
    # role (the matrix's device, a dispenser, gets device_kind_not_allowed past the access check;
    # tests/queue_server/test_booking_name.py)
    "GET /api/v1/sync/queue/tickets/{ticket_id}/booking-name": "device",
    "GET /api/v1/sync/attachments/{attachment_id}/chunks": "device",  # resumable download
    "GET /api/v1/sync/attachments/{attachment_id}/chunks/{index}": "device",
    # the citizens' phone pages (issue 17): public, each write behind the CSRF token (tests/citizen/)
    "GET /m/": "public",
    "GET /m/q/{ticket_id}": "public",
    "GET /api/v1/citizen/halls/{code}": "public",
    "GET /api/v1/citizen/captcha": "public",
    "POST /api/v1/citizen/bookings": "public",
    "POST /api/v1/citizen/bookings/search": "public",
    "POST /api/v1/citizen/bookings/{appointment_id}/cancel": "public",
    "POST /api/v1/citizen/ticket": "public",
    "POST /api/v1/citizen/ticket/by-phone": "public",
    "POST /api/v1/citizen/progress": "public",
    "POST /api/v1/citizen/progress/rating": "public",  # 一事一评: the case number with its query code
    "POST /api/v1/citizen/remote-ticket": "public",
}
DENIALS = {"not_authenticated", "token_invalid", "role_required", "hall_forbidden", "no_hall",
           "password_change_required", "device_token_required", "device_token_invalid", "device_revoked",
           "staff_login_not_allowed", "staff_token_invalid", "hall_mismatch"}
QUERIES = {"/api/v1/sync/events": {"timeout": "0"}, "/api/v1/queue/halls/{hall_id}/statistics": {"day": "2026-11-02"},
           "/api/v1/ratings/halls/{hall_id}/statistics": {"day": "2026-11-02"},
           "/api/v1/calendar/due": {"start": "2026-11-02", "workdays": "3"},
           "/api/v1/sync/snapshot": {"scope": "hall:1"},
           "/api/v1/halls/{hall_id}/archives": {"start": "2026-11-01", "end": "2026-11-30"},
           "/api/v1/halls/{hall_id}/archives/period/export": {"start": "2026-11-01", "end": "2026-11-30"},
           "/api/v1/halls/{hall_id}/archives/period/list": {"start": "2026-11-01", "end": "2026-11-30"},
           "/api/v1/queue/businesses/{business_id}/slots": {"day": "2026-11-02"}}


def _bodies(device_id: str, hall_id: int) -> dict[str, dict]:
    """Well-formed bodies where the route checks its caller only after reading the body (sync, the PIN)."""
    probe = {"seq": 1, "command_id": str(uuid.uuid4()), "name": "matrix.probe", "version": 1, "args": {}, "hlc": "1"}
    return {"/api/v1/sync/push": {"device": device_id, "protocol_version": 1, "commands": [probe]},
            "/api/v1/sync/lease": {"device": device_id, "protocol_version": 1},
            "/api/v1/sync/card-match": {"id_number": "11010519491231002X"},
            "/api/v1/auth/pin": {"password": PASSWORD, "pin": "246813"},
            "/api/v1/sync/attachments/{attachment_id}": {
                "case_id": str(uuid.uuid4()), "material": "申请书", "file_name": "a.pdf", "mime": "application/pdf",
                "size": 10, "sha256": "0" * 64, "chunk_bytes": 512 * 1024}}


def routes(app) -> list[tuple[str, str]]:  # noqa: ANN001
    return sorted((method, c.path) for c in iter_route_contexts(app.router.routes)
                  if isinstance(c.original_route, APIRoute) for method in c.methods)


@pytest.fixture
def world(sqlite_database, tmp_path, monkeypatch) -> Iterator[tuple]:  # noqa: ANN001
    for name, value in TEST_KEYS.items():
        monkeypatch.setenv(name, value)
    settings = Settings(data_dir=tmp_path, password_iterations=1000)
    app = create_app(settings, database=sqlite_database,
                     clock=FakeClock(dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.timezone.utc)))
    halls = add_other_hall(sqlite_database)
    with sqlite_database.session() as s:
        target = add_staff(s, "matrix-target", halls.demo_hall_id, "clerk").id
        floor = s.scalars(select(Floor.id).where(Floor.hall_id == halls.demo_hall_id)).first()
        business = s.scalars(select(Business.id).where(Business.hall_id == halls.demo_hall_id)).first()
        material = s.scalars(select(Material.id)).first()
        start = dt.datetime(2026, 11, 3, 2, 0, tzinfo=dt.timezone.utc)
        s.add(QueueAppointment(id="matrix-appointment", hall_id=halls.demo_hall_id, business_id=business,
                               day=dt.date(2026, 11, 3), slot_start=start, slot_end=start + dt.timedelta(minutes=30),
                               person_key="0" * 64, id_sealed="v1.x", masked_id="x", token_key="1" * 64,
                               state="booked", ticket_id=None, created_at=start))
    device_id, device_token = device(sqlite_database, "dispenser", halls.demo_hall_id)
    target_device, _ = device(sqlite_database, "display", halls.demo_hall_id)
    params = {"hall_id": halls.demo_hall_id, "business_id": business, "window_id": halls.demo_window_id,
              "user_id": target, "device_id": target_device, "code": "x", "day": "2026-11-02", "year": "2027",
              "appointment_id": "matrix-appointment", "case_id": "nope", "kind": "receipt", "item": "x",
              "situation": "y",
              "version": "1", "floor_id": floor,
              "attachment_id": "00000000-0000-4000-8000-000000000015", "index": "0", "ticket_id": "nope",
              "licence_id": "nope", "token": "x" * 44, "material_id": material}
    with TestClient(app, raise_server_exceptions=False) as client:
        yield app, client, params, device_token, _bodies(device_id, halls.demo_hall_id)


def _headers(client: TestClient, principal: str, device_token: str) -> dict[str, str]:
    if principal == "anonymous":
        return {}
    if principal == "device":
        return {"Authorization": f"Bearer {device_token}"}
    r = client.post("/api/v1/auth/login", json={"username": principal, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def _error_code(r) -> str | None:  # noqa: ANN001
    try:
        body = r.json()
    except ValueError:
        return None
    return body.get("error", {}).get("code") if isinstance(body, dict) else None


def test_every_route_has_an_entry(world) -> None:  # noqa: ANN001
    app = world[0]
    present = {f"{m} {p}" for m, p in routes(app)}
    assert present - set(MATRIX) == set(), "new routes need a line in the authorisation matrix"
    assert set(MATRIX) - present == set(), "the matrix names routes that no longer exist"


def test_the_matrix_holds(world) -> None:  # noqa: ANN001
    app, client, params, device_token, bodies = world
    wrong = []
    for method, path in routes(app):
        policy = MATRIX[f"{method} {path}"]
        url = path.format(**{k: v for k, v in params.items() if "{" + k + "}" in path})
        for principal in PRINCIPALS:
            headers = _headers(client, principal, device_token)
            body = bodies.get(path, {}) if method in ("POST", "PUT", "PATCH") else None
            r = client.request(method, url, headers=headers, json=body, params=QUERIES.get(path))
            code = _error_code(r)
            denied = r.status_code in (401, 403) and code in DENIALS
            assert r.status_code < 500, (method, path, principal, r.text)
            if denied == (principal in ALLOWED[policy]):
                wrong.append((method, path, principal, r.status_code, code))
    assert wrong == [], "\n".join(map(str, wrong))
