"""The 差评 loop through the real app: a ticket's 差评 opens a record for the department of the business
served; that department's handler verifies, rectifies and reports back, each against the record's base;
a missed deadline turns the record red (the clock injected); an appeal voids a rating, which then leaves the
statistics; the read routes refuse non-supervisors and bad input."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import select

from shared.db.models import Business, Department
from tests.queue_server.support import START

PASSWORD = "GovHall@2026"


@pytest.fixture
def loop(qhall):  # noqa: ANN001, ANN201
    qhall.kiosk = qhall.device("dispenser")
    qhall.w2 = qhall.device("workstation", 2)
    qhall.evaluator = qhall.device("evaluator", 2)
    qhall.approver = qhall.device("workstation", staff="approver")        # 特种设备安全监察科 (business A's)
    qhall.supervisor = qhall.device("workstation", staff="supervisor")
    return qhall


def bad_rating(qhall, minutes: float = 0) -> str:  # noqa: ANN001
    """A served ticket rated 不满意; returns the record id."""
    ticket, _ = qhall.issue(qhall.kiosk, "A", minutes=minutes)
    qhall.call(qhall.w2, ticket, minutes + 1)
    qhall.act(qhall.w2, "queue.start", ticket, minutes + 2)
    qhall.act(qhall.w2, "queue.finish", ticket, minutes + 10)
    r = qhall.push(qhall.evaluator, "queue.rate", {
        "rating_id": str(uuid.uuid4()), "ticket_id": ticket, "window_id": qhall.w2.window_id, "clerk": "clerk",
        "level": "dissatisfied", "reason": "态度生硬", "at": qhall.at(minutes + 10.5)})
    assert r["status"] == "accepted", r
    return r["result"]["record_id"]


def advance(qhall, days: int) -> None:  # noqa: ANN001
    """Days pass: the staff sign in again on their workstations (a staff login does not last for days)."""
    qhall.clock.advance(days=days)
    for dev, user in ((qhall.w2, "clerk"), (qhall.approver, "approver"), (qhall.supervisor, "supervisor")):
        r = qhall.client.post("/api/v1/auth/login", json={"username": user, "password": PASSWORD, "device_id": dev.id})
        dev.staff = r.json()["token"]


def record(qhall, record_id: str) -> dict:  # noqa: ANN001
    return qhall.rows(qhall.approver, "rating_rectification")[record_id]


def act(qhall, dev, name: str, rec: dict, **args) -> dict:  # noqa: ANN001
    command = qhall.command(dev, name, {"record_id": rec["id"], "at": qhall.clock.now.isoformat(), **args})
    command["base"] = {"record": rec["id"], "expected_version": rec["version"], "from_state": rec["status"]}
    return qhall.push_many(dev, [command])[0]


def api(qhall, path: str, user: str = "supervisor", **params) -> tuple[int, dict]:  # noqa: ANN001
    token = qhall.client.post("/api/v1/auth/login", json={"username": user, "password": PASSWORD}).json()["token"]
    r = qhall.client.get(f"/api/v1/ratings/halls/{qhall.hall_id}/{path}", params=params,
                         headers={"Authorization": f"Bearer {token}"})
    return r.status_code, r.json()


def listed(qhall, record_id: str) -> dict:  # noqa: ANN001
    status, body = api(qhall, "rectifications")
    assert status == 200, body
    return next(r for r in body["records"] if r["id"] == record_id)


def test_a_bad_rating_goes_through_verification_rectification_and_feedback(loop) -> None:  # noqa: ANN001
    qhall = loop
    record_id = bad_rating(qhall)
    rec = record(qhall, record_id)
    with qhall.db.session() as s:
        tzsb = s.scalars(select(Business.department_id).where(Business.id == qhall.business["A"])).one()
        assert s.get(Department, tzsb).name == "特种设备安全监察科"
    # rated Monday 2026-11-23: 回访 due Tuesday, rectification (5 working days) Monday 11-30
    assert (rec["department_id"], rec["status"], rec["verify_due"], rec["rectify_due"]) == (
        tzsb, "open", "2026-11-24", "2026-11-30")
    assert listed(qhall, record_id)["card"] == "yellow_card"  # one working day left: near due
    assert qhall.rows(qhall.evaluator, "rating_rectification") == {}  # staff work: no kiosk reads it
    # the counter clerk is of another department; the supervisor handles no 差评
    assert act(qhall, qhall.w2, "rating.verify", rec, contact="电话", findings="x")["code"] == "not_your_department"
    assert act(qhall, qhall.supervisor, "rating.verify", rec, contact="电话",
               findings="x")["code"] == "handler_role_required"
    # Wednesday: the 1-day 回访 deadline was missed → red
    advance(qhall, 2)
    assert listed(qhall, record_id)["card"] == "red_card"
    assert act(qhall, qhall.approver, "rating.verify", rec, contact="", findings="x")["code"] == "text_required"
    r = act(qhall, qhall.approver, "rating.verify", rec, contact="电话 138****0000 回访", findings="窗口解释不清")
    assert r["status"] == "accepted", r
    # an action on what the author saw before the record moved on is refused, not applied
    stale = act(qhall, qhall.approver, "rating.rectify", rec, kind="rectified", text="培训")
    assert stale["code"] == "stale_record" and stale["details"]["current_status"] == "verified"
    rec = record(qhall, record_id)
    shown = listed(qhall, record_id)
    assert (shown["awaiting"], shown["due"], shown["card"]) == ("rectification", "2026-11-30", "green")
    assert rec["verification"]["by"] == "approver" and rec["verification"]["on"] == "2026-11-25"
    assert act(qhall, qhall.approver, "rating.rectify", rec, kind="rectified",
               text="组织窗口服务规范培训")["status"] == "accepted"
    rec = record(qhall, record_id)
    advance(qhall, 6)  # Tuesday 12-01: the feedback is now late
    assert listed(qhall, record_id)["card"] == "red_card"
    assert act(qhall, qhall.approver, "rating.feedback", rec, text="已电话告知整改情况")["status"] == "accepted"
    rec = record(qhall, record_id)
    assert rec["status"] == "closed" and listed(qhall, record_id)["card"] == "green"
    status, stats = api(qhall, "statistics", day="2026-11-23")
    assert status == 200, stats
    assert (stats["bad"], stats["verified"], stats["verified_on_time"], stats["rectified"],
            stats["rectified_on_time"], stats["fed_back"]) == (1, 1, 0, 1, 1, 1)
    assert (stats["verification_rate"], stats["rectification_rate"]) == (1.0, 1.0)


def test_an_appeal_voids_a_rating_which_leaves_the_statistics(loop) -> None:  # noqa: ANN001
    qhall = loop
    kept, voided = bad_rating(qhall), bad_rating(qhall, minutes=20)
    rec = record(qhall, voided)
    assert act(qhall, qhall.supervisor, "rating.appeal", rec, reason="x")["code"] == "handler_role_required"
    assert act(qhall, qhall.approver, "rating.appeal", rec, reason="评价人误操作，监控可证")["status"] == "accepted"
    rec = record(qhall, voided)
    assert rec["status"] == "appealed" and listed(qhall, voided)["awaiting"] == "verification"
    assert act(qhall, qhall.approver, "rating.review", rec, decision="voided",
               reason="x")["code"] == "reviewer_role_required"
    assert act(qhall, qhall.supervisor, "rating.review", rec, decision="voided",
               reason="经核实为误评")["status"] == "accepted"
    rec = record(qhall, voided)
    assert rec["status"] == "voided" and rec["review"]["reason"] == "经核实为误评"
    # an upheld appeal sends the record back to where it was; a second appeal is refused
    other = record(qhall, kept)
    act(qhall, qhall.approver, "rating.appeal", other, reason="误评")
    other = record(qhall, kept)
    assert act(qhall, qhall.supervisor, "rating.review", other, decision="upheld",
               reason="评价属实")["status"] == "accepted"
    other = record(qhall, kept)
    assert other["status"] == "open"
    assert act(qhall, qhall.approver, "rating.appeal", other, reason="再申诉")["code"] == "appeal_already_made"
    _, stats = api(qhall, "statistics", day="2026-11-23")
    assert (stats["bad"], stats["voided"], stats["levels"]["dissatisfied"]) == (1, 1, 1)
    r = qhall.client.get(f"/api/v1/queue/halls/{qhall.hall_id}/statistics", params={"day": "2026-11-23"},
                         headers={"Authorization": "Bearer " + qhall.client.post(
                             "/api/v1/auth/login", json={"username": "supervisor", "password": PASSWORD}
                         ).json()["token"]})
    totals = r.json()["totals"]
    assert (totals["ratings"]["dissatisfied"], totals["bad_ratings"]) == (1, 1)


def test_the_read_routes_refuse_non_supervisors_and_bad_input(loop) -> None:  # noqa: ANN001
    qhall = loop
    for user in ("clerk", "approver"):
        status, body = api(qhall, "rectifications", user=user)
        assert (status, body["error"]["code"]) == (403, "role_required")
    status, body = api(qhall, "statistics", day="2026-11-23", to="2026-11-01")
    assert (status, body["error"]["code"]) == (422, "invalid_range")
    status, body = api(qhall, "rectifications", status="lost")
    assert status == 422
    status, body = api(qhall, "statistics")
    assert status == 422
    assert START.date() == dt.date(2026, 11, 23)
