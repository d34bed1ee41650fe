"""扫码登记: the admin makes a one-time registration code for a device kind and hall; the QR text carries the
server's address, the hall and the code — never a token or key; a device redeems it once, before it expires,
for the kind it was made for, and gets a config whose token pulls the hall. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from kiosk.config import load as load_kiosk_config
from server.store.models import AuditEntry, RegistrationCode
from shared.protocol.registration import parse
from tests.fixtures.server import login

URL = "http://10.0.0.5:8765"
CODES, REGISTER = "/api/v1/sync/registration-codes", "/api/v1/sync/register"


def _code(client, headers, **body):  # noqa: ANN001, ANN201
    return client.post(CODES, json={"hall": "DG-HALL-1", "server": URL, "kind": "dispenser", **body}, headers=headers)


def _error(r) -> str:  # noqa: ANN001
    return r.json()["error"]["code"]


def test_a_scanned_code_registers_its_device_once(client, tmp_path, clock) -> None:  # noqa: ANN001
    admin = login(client)
    r = _code(client, admin, name="一楼取号机")
    assert r.status_code == 201, r.text
    qr = parse(r.json()["qr_text"])
    assert (qr.server, qr.hall, qr.kind) == (URL, "DG-HALL-1", "dispenser")
    assert "token" not in r.json()["qr_text"] and len(r.json()["qr_text"]) < 200  # a small, quick QR code
    assert dt.datetime.fromisoformat(r.json()["expires_at"]) == clock() + dt.timedelta(minutes=30)
    db = client.app.state.database
    with db.session() as s:  # only the code's digest is kept
        stored = s.scalars(select(RegistrationCode)).one()
        assert qr.code not in (stored.code_hash, stored.name) and stored.used_at is None
    assert _error(client.post(REGISTER, json={"code": qr.code, "kind": "display"})) == "registration_kind_mismatch"
    r = client.post(REGISTER, json={"code": qr.code, "kind": "dispenser"})
    assert r.status_code == 201, r.text
    path = tmp_path / r.json()["file_name"]
    path.write_text(r.json()["config"], encoding="utf-8")
    config = load_kiosk_config(path, "dispenser")
    assert (config.server, config.hall, config.device_id) == (URL, "DG-HALL-1", r.json()["device_id"])
    pulled = client.get("/api/v1/sync/pull", headers={"Authorization": f"Bearer {config.token}"})
    assert pulled.status_code == 200 and {"hall", "business"} <= {c["table"] for c in pulled.json()["changes"]}
    again = client.post(REGISTER, json={"code": qr.code, "kind": "dispenser"})
    assert (again.status_code, _error(again)) == (409, "registration_code_used")
    with db.session() as s:
        stored = s.scalars(select(RegistrationCode)).one()
        assert stored.device_id == r.json()["device_id"] and stored.used_at is not None
        actions = set(s.scalars(select(AuditEntry.action)))
    assert {"device_registration_code", "device_register_by_code"} <= actions


def test_codes_refuse_what_cannot_work(client, clock) -> None:  # noqa: ANN001
    admin = login(client)
    assert _error(_code(client, admin, kind="evaluator")) == "window_required"
    assert _error(_code(client, admin, kind="evaluator", window=99)) == "window_unknown"
    assert _error(_code(client, admin, hall="NOPE")) == "hall_unknown"
    assert _error(_code(client, admin, server="ftp://x")) == "server_url_invalid"
    assert _error(_code(client, admin, kind="toaster")) == "device_kind_unknown"
    clerk = login(client, "clerk")
    assert _error(_code(client, clerk)) == "role_required"
    unknown = client.post(REGISTER, json={"code": "A" * 32, "kind": "dispenser"})
    assert (unknown.status_code, _error(unknown)) == (404, "registration_code_unknown")
    qr = parse(_code(client, admin, kind="evaluator", window=1, valid_minutes=5).json()["qr_text"])
    clock.advance(minutes=6)
    late = client.post(REGISTER, json={"code": qr.code, "kind": "evaluator"})
    assert (late.status_code, _error(late)) == (410, "registration_code_expired")
