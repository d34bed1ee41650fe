"""Case progress on the citizens' pages (issue 17): the case number with the receipt's query code shows the
stages done and the current one, the applicant masked; a wrong code is answered exactly as an unknown case;
tries are rate-limited per address and per case number."""

from __future__ import annotations

from sqlalchemy import select

from server.api.citizen_guard import CSRF_COOKIE
from server.approval.models import ApprovalCase
from shared.approval import commands as cmd
from shared.approval.query_code import derive_query_key, query_code
from shared.crypto.keys import keys_from_environment
from tests.approval_server.support import COMPANY_ID, command, receive


def code_of(database, case_id: str) -> tuple[str, str]:  # noqa: ANN001
    """The case number and the query code its receipt prints (derived from the hall's query key)."""
    with database.session() as s:
        case = s.get(ApprovalCase, case_id)
        return case.case_number, query_code(derive_query_key(keys_from_environment(), case.hall_id),
                                            case.case_number)


def ask(client, number: str, code: str):  # noqa: ANN001, ANN201
    token = client.get("/m/").cookies.get(CSRF_COOKIE) or client.cookies.get(CSRF_COOKIE)
    return client.post("/api/v1/citizen/progress", json={"case_number": number, "code": code},
                       headers={"X-CSRF-Token": token})


def stages(answer) -> list[tuple[str, str]]:  # noqa: ANN001
    return [(s["name"], s["state"]) for s in answer.json()["stages"]]


def test_progress_at_each_step(desks, client, database) -> None:  # noqa: ANN001
    clerk, approver = desks["clerk"], desks["approver"]
    case_id, _ = receive(clerk)
    number, code = code_of(database, case_id)
    first = ask(client, number, code)
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["status"] == "received" and body["applicant"].startswith("东") and "*" in body["applicant"]
    assert COMPANY_ID not in first.text and "东莞测试有限公司" not in first.text
    assert stages(first)[:2] == [("收件", "done"), ("受理", "current")]
    assert first.headers["cache-control"] == "no-store"
    assert clerk.send(command(cmd.Accept, case_id, 1, "received", "2026-11-02", clerk))["status"] == "accepted"
    accepted = stages(ask(client, number.lower(), code.lower()))  # as typed on a phone
    assert accepted[1] == ("受理", "done") and [s for _, s in accepted].count("current") == 1
    current = next(n for n, s in accepted if s == "current")
    assert approver.send(command(cmd.Grant, case_id, 2, "in_review", "2026-11-03", approver, step="decide",
                                 opinion="同意"))["status"] == "accepted"
    decided = stages(ask(client, number, code))
    assert (current, "done") in decided
    assert clerk.send(command(cmd.Close, case_id, 3, "decided_granted", "2026-11-03", clerk))["status"] == "accepted"
    closed = ask(client, number, code)
    assert closed.json()["status"] == "closed" and ("办结", "done") in stages(closed)
    assert ("送达", "current") in stages(closed)


def test_a_wrong_code_is_answered_as_an_unknown_case(desks, client, database) -> None:  # noqa: ANN001
    case_id, _ = receive(desks["clerk"])
    number, code = code_of(database, case_id)
    wrong = ask(client, number, "AAAAAAAA" if code != "AAAAAAAA" else "BBBBBBBB")
    unknown = ask(client, "DG-2026-NOPE", code)
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json() == unknown.json()
    assert wrong.json()["error"] == {"code": "case_query_refused", "message": "案件编号或查询码不正确"}
    # without the page's CSRF token nothing is answered at all
    r = client.post("/api/v1/citizen/progress", json={"case_number": number, "code": code},
                    headers={"X-CSRF-Token": "x"})
    assert r.status_code == 403


def test_tries_at_one_case_are_limited(desks, client, database) -> None:  # noqa: ANN001
    case_id, _ = receive(desks["clerk"])
    number, code = code_of(database, case_id)
    answers = [ask(client, number, f"WRONG{n:03d}").status_code for n in range(10)]
    assert answers == [404] * 10
    r = ask(client, number, code)  # even the right code, until the hour has passed
    assert (r.status_code, r.json()["error"]["code"]) == (429, "progress_rate_limited")
    assert "频繁" in r.json()["error"]["message"]
    with database.session() as s:
        assert s.scalars(select(ApprovalCase.status).where(ApprovalCase.id == case_id)).one() == "received"
