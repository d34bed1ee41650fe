"""Issue 14 §8: every admin change leaves an audit row saying who, from which workstation, and the values before
and after — readable through the audit API and exportable as CSV — and the audit chain still verifies."""

from __future__ import annotations

import csv
import datetime as dt
import io

from sqlalchemy import select

from server.store.audit_chain import verify
from server.store.models import AuditEntry
from shared.china_time import CHINA_TZ
from shared.db.models import Hall, StaffUser
from tests.access.support import PASSWORD
from tests.sync.support import demo_hall, new_device

AUDIT = "/api/v1/admin/audit"


def _sign_in(client, database, username: str = "admin") -> tuple[dict, str]:  # noqa: ANN001
    """A staff session opened on a registered workstation of the demo hall: (headers, the workstation's id)."""
    hall_id, windows = demo_hall(database)
    device_id, _ = new_device(database, "workstation", hall_id, windows[0], name="管理工作站")
    r = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD, "device_id": device_id})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}, device_id


def _rows(client, headers, **filters) -> list[dict]:  # noqa: ANN001
    r = client.get(AUDIT, headers=headers, params=filters)
    assert r.status_code == 200, r.text
    return r.json()


def test_a_notice_edit_records_who_where_before_and_after(client, database) -> None:  # noqa: ANN001
    headers, workstation = _sign_in(client, database)
    hall_id, _ = demo_hall(database)
    for text in ("今日系统升级", "今日正常办理"):
        assert client.put(f"/api/v1/halls/{hall_id}/notice", headers=headers, json={"text": text}).status_code == 200
    first, second = _rows(client, headers, action="hall.notice", target=str(hall_id))
    assert (first["actor"], first["device_id"]) == ("admin", workstation)
    assert (first["detail"]["before"], first["detail"]["after"]) == (None, {"text": "今日系统升级"})
    assert (second["detail"]["before"], second["detail"]["after"]) == ({"text": "今日系统升级"},
                                                                       {"text": "今日正常办理"})
    with database.read_session() as session:
        assert verify(session, database.audit_key).intact


def test_staff_queue_and_calendar_changes_carry_before_and_after(client, database) -> None:  # noqa: ANN001
    headers, workstation = _sign_in(client, database)
    with database.read_session() as session:
        clerk = session.scalars(select(StaffUser.id).filter_by(username="clerk")).one()
        hall_id = session.scalars(select(Hall.id).where(Hall.code == "DG-HALL-1")).one()
    assert client.post(f"/api/v1/admin/staff/{clerk}/disable", headers=headers).status_code == 204
    assert client.put("/api/v1/admin/calendar/days/2027-02-01", headers=headers,
                      json={"is_workday": False, "notice": "本地停电"}).status_code == 200
    rules = client.get(f"/api/v1/queue/halls/{hall_id}/config").json()["rules"]
    changed = {**rules, "lunch_closed": not rules["lunch_closed"]}
    assert client.put(f"/api/v1/queue/admin/halls/{hall_id}/rules", headers=headers, json=changed).status_code == 200

    disable, = _rows(client, headers, action="staff.disable")
    assert disable["target"] == "clerk" and disable["device_id"] == workstation
    assert (disable["detail"]["before"], disable["detail"]["after"]) == ({"active": True}, {"active": False})
    day, = _rows(client, headers, action="calendar.override", target="2027-02-01")
    assert day["detail"]["before"] is None
    assert day["detail"]["after"] == {"is_workday": False, "notice": "本地停电"}
    queue, = _rows(client, headers, action="queue.rules")
    assert queue["detail"]["before"]["lunch_closed"] == rules["lunch_closed"]
    assert queue["detail"]["after"]["lunch_closed"] == (not rules["lunch_closed"])

    export = client.get(AUDIT + "/export", headers=headers, params={"actor": "admin", "action": "staff.disable"})
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    lines = list(csv.DictReader(io.StringIO(export.text.lstrip("\ufeff"))))
    assert [(r["action"], r["target"], r["device_id"]) for r in lines] == [("staff.disable", "clerk", workstation)]
    assert '"before": {"active": true}' in lines[0]["detail"]
    with database.read_session() as session:
        assert verify(session, database.audit_key).intact
        assert session.scalars(select(AuditEntry).where(AuditEntry.action == "staff.disable")).one().mac


def test_the_audit_trail_is_the_admins_alone_and_refuses_bad_filters(client, database) -> None:  # noqa: ANN001
    supervisor, _ = _sign_in(client, database, "supervisor")
    r = client.get(AUDIT, headers=supervisor)
    assert (r.status_code, r.json()["error"]["code"]) == (403, "role_required")
    assert client.get(AUDIT).status_code == 401
    admin, _ = _sign_in(client, database)
    naive = client.get(AUDIT, headers=admin, params={"since": "2027-01-01T00:00:00"})
    assert (naive.status_code, naive.json()["error"]["code"]) == (422, "timezone_required")


def test_a_device_registration_records_the_admins_workstation_never_the_token(client, database) -> None:  # noqa: ANN001
    headers, workstation = _sign_in(client, database)
    r = client.post("/api/v1/sync/provision", headers=headers,
                    json={"kind": "evaluator", "hall": "DG-HALL-1", "window": 1, "server": "http://10.0.0.5:8765"})
    assert r.status_code == 201, r.text
    entry, = _rows(client, headers, action="device_provision", target=r.json()["device_id"])
    assert entry["device_id"] == workstation and entry["detail"]["before"] is None
    assert entry["detail"]["after"] == {"kind": "evaluator", "hall": "DG-HALL-1", "window": 1, "name": ""}
    token = next(line for line in r.json()["config"].splitlines() if line.startswith("token"))
    assert token.split('"')[1] not in str(entry)


def test_admin_changes_are_timed_by_the_servers_injected_clock(client, database, clock) -> None:  # noqa: ANN001
    """The audit time is the hall's (injected) clock, as every decision is: a server on a simulated day audits
    that day, not the machine's."""
    # a Saturday no test runs on by accident, and not the faked-clock pass's 2027-01-09 either: rows the setup
    # writes outside a request carry the machine's clock and must fall outside the day read back
    clock.now = dt.datetime(2027, 2, 13, 3, 40, tzinfo=CHINA_TZ)
    headers, _ = _sign_in(client, database)
    with database.read_session() as session:
        clerk = session.scalars(select(StaffUser.id).filter_by(username="clerk")).one()
    hall_id, _ = demo_hall(database)
    assert client.put(f"/api/v1/halls/{hall_id}/notice", headers=headers, json={"text": "今日系统升级"}).status_code == 200
    assert client.post(f"/api/v1/admin/staff/{clerk}/disable", headers=headers).status_code == 204
    assert client.put("/api/v1/admin/calendar/days/2027-02-01", headers=headers,
                      json={"is_workday": False, "notice": "本地停电"}).status_code == 200
    rules = client.get(f"/api/v1/queue/halls/{hall_id}/config").json()["rules"]
    assert client.put(f"/api/v1/queue/admin/halls/{hall_id}/rules", headers=headers,
                      json={**rules, "lunch_closed": not rules["lunch_closed"]}).status_code == 200
    rows = _rows(client, headers, since="2027-02-13T00:00:00+08:00", until="2027-02-14T00:00:00+08:00")
    timed = {r["action"]: dt.datetime.fromisoformat(r["at"]) for r in rows}
    assert {"hall.notice", "staff.disable", "queue.rules"} <= timed.keys()
    assert any(a.startswith("calendar") for a in timed)
    assert set(timed.values()) == {clock.now}  # the sign-in too: every row of a request has the app's time
