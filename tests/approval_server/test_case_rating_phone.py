"""一事一评 from the citizen's phone (办件进度 page): the case number with the receipt's query code opens the
rating once the case is 办结; a case is rated once (phone or counter, whichever comes first); a 差评 needs a
reason and opens a rectification record for the department of the case's item, published to the hall's
workstations; a wrong code is answered as an unknown case."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from server.api.citizen_guard import CSRF_COOKIE
from server.rating.models import CaseRating, RatingRectification
from shared.approval import commands as cmd
from shared.db.models import ServiceItem
from tests.approval_server.support import SERVICE_ITEM, command, receive
from tests.approval_server.test_citizen_progress import ask, code_of


def rate(client, number: str, code: str, level: str, reason: str = ""):  # noqa: ANN001, ANN201
    token = client.get("/m/").cookies.get(CSRF_COOKIE) or client.cookies.get(CSRF_COOKIE)
    return client.post("/api/v1/citizen/progress/rating",
                       json={"case_number": number, "code": code, "level": level, "reason": reason},
                       headers={"X-CSRF-Token": token})


def closed_case(desks, database) -> tuple[str, str, str]:  # noqa: ANN001
    clerk, approver = desks["clerk"], desks["approver"]
    case_id, _ = receive(clerk)
    assert clerk.send(command(cmd.Accept, case_id, 1, "received", "2026-11-02", clerk))["status"] == "accepted"
    number, code = code_of(database, case_id)
    assert ask(clerk.http, number, code).json()["rateable"] is False  # not yet 办结
    assert approver.send(command(cmd.Grant, case_id, 2, "in_review", "2026-11-03", approver, step="decide",
                                 opinion="同意"))["status"] == "accepted"
    assert clerk.send(command(cmd.Close, case_id, 3, "decided_granted", "2026-11-03", clerk))["status"] == "accepted"
    return case_id, number, code


def test_a_closed_case_is_rated_from_the_phone_once(desks, client, database) -> None:  # noqa: ANN001
    clerk = desks["clerk"]
    case_id, _ = receive(clerk)
    number, code = code_of(database, case_id)
    r = rate(client, number, code, "satisfied")
    assert (r.status_code, r.json()["error"]["code"]) == (409, "case_not_closed")
    _, number, code = closed_case(desks, database)
    before = ask(client, number, code).json()
    assert (before["rateable"], before["rating"]) == (True, None)
    r = rate(client, number, code, "very_satisfied")
    assert r.status_code == 201, r.text
    assert r.json() == {"case_number": number, "rating": "very_satisfied", "rectification_opened": False}
    after = ask(client, number, code).json()
    assert (after["rateable"], after["rating"]) == (False, "very_satisfied")
    again = rate(client, number, code, "dissatisfied", "太慢")
    assert (again.status_code, again.json()["error"]["code"]) == (409, "case_rating_exists")
    assert again.json()["error"]["message"] == "该办件已评价"
    with database.session() as s:
        assert [(x.level, x.by) for x in s.scalars(select(CaseRating))] == [("very_satisfied", "citizen")]


def test_a_bad_phone_rating_opens_a_record_for_the_items_department(desks, client, database) -> None:  # noqa: ANN001
    case_id, number, code = closed_case(desks, database)
    r = rate(client, number, code, "very_dissatisfied", "  ")
    assert (r.status_code, r.json()["error"]["code"]) == (422, "bad_rating_needs_reason")
    r = rate(client, number, code, "very_dissatisfied", "材料要求反复变化")
    assert r.status_code == 201 and r.json()["rectification_opened"] is True, r.text
    with database.session() as s:
        department = s.scalars(select(ServiceItem.department_id).where(ServiceItem.code == SERVICE_ITEM)).one()
        record = s.scalars(select(RatingRectification)).one().row
    assert (record["source"], record["subject_id"], record["subject"]) == ("case", case_id, number)
    assert (record["department_id"], record["status"], record["clerk"]) == (department, "open", "")
    assert record["reason"] == "材料要求反复变化"
    # the hall's workstations pull the rating and the record like any other
    body = client.get("/api/v1/sync/pull", headers=desks["clerk"].headers).json()
    tables = {(c["table"], c["pk"]) for c in body["changes"]}
    assert ("rating_rectification", record["id"]) in tables and ("case_rating", record["rating_id"]) in tables
    # the counter cannot rate it a second time
    second = desks["clerk"].push("rating.rate_case", {"rating_id": str(uuid.uuid4()), "case_id": case_id,
                                                      "level": "satisfied", "reason": "",
                                                      "at": "2026-11-03T17:00:00+08:00"}, None)
    assert second["code"] == "case_rating_exists"


def test_a_wrong_code_rates_nothing(desks, client, database) -> None:  # noqa: ANN001
    _, number, code = closed_case(desks, database)
    wrong = rate(client, number, "AAAAAAAA" if code != "AAAAAAAA" else "BBBBBBBB", "satisfied")
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (404, "case_query_refused")
    with database.session() as s:
        assert s.scalars(select(CaseRating)).all() == []
