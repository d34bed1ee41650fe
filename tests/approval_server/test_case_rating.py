"""一事一评 through the sync API (`rating.rate_case`): a case is rated once, only after 办结; a 差评 of a case
opens a rectification record for the department of the case's item."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from shared.approval import commands as cmd
from shared.db.models import ServiceItem
from tests.approval_server.support import LICENCE_ITEM, LICENCE_SITUATION, PERSON_ID, command, receive


def _rate(desk, case_id: str, level: str, reason: str = "", rating_id: str | None = None) -> dict:  # noqa: ANN001
    return desk.push("rating.rate_case", {"rating_id": rating_id or str(uuid.uuid4()), "case_id": case_id,
                                          "level": level, "reason": reason, "at": "2026-11-02T17:00:00+08:00"},
                     None)


def _pull(client, desk, table: str) -> dict[str, dict]:  # noqa: ANN001
    body = client.get("/api/v1/sync/pull", headers=desk.headers).json()
    return {c["pk"]: c["row"] for c in body["changes"] if c["table"] == table}


def test_a_closed_case_is_rated_once_and_its_bad_rating_opens_a_record(desks, client, database) -> None:  # noqa: ANN001
    clerk = desks["clerk"]
    case_id, r = receive(clerk, item=LICENCE_ITEM, situation=LICENCE_SITUATION, kind="person",
                         applicant_id=PERSON_ID, name="张三")
    assert r["status"] == "accepted", r
    assert _rate(clerk, case_id, "satisfied")["code"] == "case_not_closed"
    steps = [("clerk", cmd.Accept, {}), ("reviewer", cmd.PassStep, {"step": "review"}),
             ("verifier", cmd.PassStep, {"step": "verify"}), ("head", cmd.Grant, {"step": "decide"}),
             ("officer", cmd.MakeLicence, {"licence_no": "L-1"}), ("officer", cmd.IssueLicence, {}),
             ("clerk", cmd.Close, {})]
    status = "received"
    for version, (user, kind, fields) in enumerate(steps, start=1):
        r = desks[user].send(command(kind, case_id, version, status, "2026-11-02", desks[user], opinion="同意",
                                     **fields))
        assert r["status"] == "accepted", (user, r)
        status = r["result"]["status"]
    assert status == "closed"
    assert _rate(clerk, case_id, "very_dissatisfied")["code"] == "bad_rating_needs_reason"
    rating_id = str(uuid.uuid4())
    r = _rate(clerk, case_id, "very_dissatisfied", "办理时间过长", rating_id)
    assert r["status"] == "accepted", r
    assert _rate(clerk, case_id, "very_dissatisfied", "办理时间过长", rating_id)["result"]["duplicate"] is True
    assert _rate(clerk, case_id, "satisfied")["code"] == "case_rating_exists"
    rating = _pull(client, clerk, "case_rating")[rating_id]
    assert (rating["case_id"], rating["level"], rating["by"]) == (case_id, "very_dissatisfied", "clerk")
    record = _pull(client, clerk, "rating_rectification")[r["result"]["record_id"]]
    with database.session() as s:
        department = s.scalars(select(ServiceItem.department_id).where(ServiceItem.code == LICENCE_ITEM)).one()
    assert (record["source"], record["subject_id"], record["department_id"], record["status"]) == (
        "case", case_id, department, "open")
    assert (record["verify_due"], record["rectify_due"]) == ("2026-11-03", "2026-11-09")
