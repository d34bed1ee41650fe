"""The admin enters a year's calendar over the API: a year's view, an import from the State Council's list
(all or nothing, refusals with the line), the audit rows with before and after, and refusals for non-admins.
On SQLite and (marker pg) PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select

from server.store.database import Database
from server.store.models import AuditEntry
from tests.fixtures.server import login

CSV_2027 = """date,kind,name
2027-01-01,holiday,元旦
2027-02-06,workday,春节调休上班
2027-02-10,holiday,春节
2027-02-11,holiday,春节
2027-02-12,holiday,春节
"""
NOTICE = "国办发明电〔2026〕示例号"


def _audits(database: Database, action: str) -> list[AuditEntry]:
    with database.session() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def test_a_year_shows_its_status_and_the_days_off_the_weekday_rule(client) -> None:  # noqa: ANN001
    y2026 = client.get("/api/v1/calendar/years/2026").json()
    assert y2026["status"] == "official"
    days = {d["day"]: d for d in y2026["days"]}
    assert days["2026-01-01"] == {"day": "2026-01-01", "is_workday": False, "notice": "元旦", "source": "official"}
    assert all(d["source"] == "official" for d in y2026["days"]) and len(days) > 20
    assert client.get("/api/v1/calendar/years/2027").json() == {"year": 2027, "status": "missing", "notice": "",
                                                                 "days": []}
    assert client.get("/api/v1/calendar/years/1999").status_code == 422


def test_the_admin_imports_2027_and_deadlines_count_with_it(client, database) -> None:  # noqa: ANN001
    admin = login(client)
    r = client.post("/api/v1/admin/calendar/years/2027/import", headers=admin,
                    json={"text": CSV_2027, "notice": NOTICE})
    assert r.status_code == 200, r.text
    year = r.json()
    assert year["status"] == "published" and year["notice"] == NOTICE
    assert [(d["day"], d["is_workday"]) for d in year["days"]] == [
        ("2027-01-01", False), ("2027-02-06", True), ("2027-02-10", False), ("2027-02-11", False),
        ("2027-02-12", False)]
    assert year["days"][0]["notice"] == f"{NOTICE} 元旦"
    assert client.get("/api/v1/calendar/days/2027-02-06").json()["is_workday"] is True  # a Saturday, worked
    # 2027-02-09 (Tue) + 2 working days: 10–12 are holidays, 13–14 the weekend → Mon 15, Tue 16
    assert client.get("/api/v1/calendar/due", params={"start": "2027-02-09", "workdays": 2}).json()["due"] == \
        "2027-02-16"
    (entry,) = _audits(database, "calendar.import")
    assert entry.actor == "admin" and entry.target == "2027"
    assert entry.detail["before"] == {"status": "missing", "notice": "", "overrides": {}}
    assert entry.detail["after"]["status"] == "published"
    assert entry.detail["after"]["overrides"]["2027-02-06"] == "班"


def test_an_unreadable_list_is_refused_with_its_line_and_nothing_is_entered(client, database) -> None:  # noqa: ANN001
    admin = login(client)
    bad = CSV_2027 + "2027-02-30,holiday,春节\n"
    r = client.post("/api/v1/admin/calendar/years/2027/import", headers=admin, json={"text": bad, "notice": NOTICE})
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "calendar_import_invalid" and error["details"]["line"] == 7
    assert "第7行" in error["message"]
    assert client.get("/api/v1/calendar/years/2027").json()["status"] == "missing"
    assert client.get("/api/v1/calendar/years/2027").json()["days"] == []
    assert _audits(database, "calendar.import") == []
    empty = client.post("/api/v1/admin/calendar/years/2027/import", headers=admin, json={"text": "", "notice": NOTICE})
    assert empty.status_code == 422 and empty.json()["error"]["code"] == "invalid_request"
    no_notice = client.post("/api/v1/admin/calendar/years/2027/import", headers=admin,
                            json={"text": CSV_2027, "notice": ""})
    assert no_notice.status_code == 422


def test_a_local_closure_and_its_removal_are_audited_with_before_and_after(client, database) -> None:  # noqa: ANN001
    admin = login(client)
    assert client.put("/api/v1/admin/calendar/days/2026-12-24", headers=admin,
                      json={"is_workday": False, "notice": "本地停办：系统升级"}).status_code == 200
    assert client.put("/api/v1/admin/calendar/days/2026-12-24", headers=admin,
                      json={"is_workday": False, "notice": "本地停办：停电"}).status_code == 200
    first, second = _audits(database, "calendar.override")
    assert first.detail["before"] is None
    assert second.detail["before"] == {"is_workday": False, "notice": "本地停办：系统升级"}
    assert second.detail["after"] == {"is_workday": False, "notice": "本地停办：停电"}
    days = {d["day"]: d for d in client.get("/api/v1/calendar/years/2026").json()["days"]}
    assert days["2026-12-24"]["source"] == "override" and days["2026-12-24"]["is_workday"] is False
    assert client.delete("/api/v1/admin/calendar/days/2026-12-24", headers=admin).status_code == 204
    (cleared,) = _audits(database, "calendar.clear")
    assert cleared.detail["before"] == {"is_workday": False, "notice": "本地停办：停电"} and cleared.detail["after"] is None
    assert client.get("/api/v1/calendar/days/2026-12-24").json()["is_workday"] is True


def test_only_an_admin_imports(client) -> None:  # noqa: ANN001
    body = {"text": CSV_2027, "notice": NOTICE}
    for role in ("clerk", "approver", "supervisor"):
        r = client.post("/api/v1/admin/calendar/years/2027/import", headers=login(client, role), json=body)
        assert r.status_code == 403 and r.json()["error"]["code"] == "role_required", role
    assert client.post("/api/v1/admin/calendar/years/2027/import", json=body).status_code == 401
    assert client.get("/api/v1/calendar/years/2027").json()["status"] == "missing"
