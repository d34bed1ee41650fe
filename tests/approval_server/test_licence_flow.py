"""A licence case through every role; extensions; deadlines in an unpublished year; the rows each scope
receives (hall scope: everything; a role scope: the cases at that role's steps)."""

from __future__ import annotations

from shared.approval import commands as cmd
from shared.protocol.approval import CaseRow, EventRow
from shared.protocol.sync import PROTOCOL_VERSION
from tests.approval_server.support import LICENCE_ITEM, LICENCE_SITUATION, PERSON_ID, command, receive


def _licence(desks):  # noqa: ANN001, ANN202
    clerk = desks["clerk"]
    case_id, r = receive(clerk, item=LICENCE_ITEM, situation=LICENCE_SITUATION, kind="person",
                         applicant_id=PERSON_ID, name="张三")
    assert r["status"] == "accepted", r
    assert clerk.send(command(cmd.Accept, case_id, 1, "received", "2026-11-02", clerk))["status"] == "accepted"
    return case_id


def test_licence_case_through_every_role(desks) -> None:  # noqa: ANN001
    case_id = _licence(desks)
    steps = [("reviewer", cmd.PassStep, {"step": "review"}), ("verifier", cmd.PassStep, {"step": "verify"}),
             ("head", cmd.Grant, {"step": "decide"}), ("officer", cmd.MakeLicence, {"licence_no": "L-1"}),
             ("officer", cmd.IssueLicence, {}), ("clerk", cmd.Close, {}),
             ("clerk", cmd.Deliver, {"method": "counter", "receiver_name": "张三", "receiver_id": PERSON_ID})]
    status = "in_review"
    for version, (user, kind, fields) in enumerate(steps, start=2):
        r = desks[user].send(command(kind, case_id, version, status, "2026-11-05", desks[user], opinion="同意",
                                     **fields))
        assert r["status"] == "accepted", (user, r)
        status = r["result"]["status"]
    assert status == "delivered"


def test_extension_beyond_the_legal_maximum_is_refused(desks) -> None:  # noqa: ANN001
    case_id = _licence(desks)
    head = desks["head"]
    r = head.send(command(cmd.Extend, case_id, 2, "in_review", "2026-11-04", head, days=11, reason="复杂"))
    assert r["code"] == "extension_too_long" and r["details"]["max_days"] == 10
    r = head.send(command(cmd.Extend, case_id, 2, "in_review", "2026-11-04", head, days=10, reason="复杂"))
    assert r["status"] == "accepted", r


def test_deadline_in_an_unpublished_year_is_provisional_and_never_a_crash(desks, client) -> None:  # noqa: ANN001
    clerk = desks["clerk"]
    case_id, _ = receive(clerk, day="2026-12-28")
    r = clerk.send(command(cmd.Accept, case_id, 1, "received", "2026-12-30", clerk))
    assert r["status"] == "accepted", r
    row = _pull(client, clerk, "approval_case")[case_id]
    assert row["clocks"]["provisional"] is True and row["clocks"]["statutory_due"] > "2027-01-01"
    late_id, _ = receive(clerk, day="2026-12-30")
    r = clerk.send(command(cmd.Accept, late_id, 1, "received", "2027-01-08", clerk))
    assert r["status"] == "rejected" and r["code"] == "calendar_not_published"


def _pull(client, desk, table: str, scope: str | None = None) -> dict[str, dict]:  # noqa: ANN001
    params = {"cursors": f"{scope}@0"} if scope else {}
    body = client.get("/api/v1/sync/pull", params=params, headers=desk.headers).json()
    return {c["pk"]: c["row"] for c in body["changes"] if c["table"] == table}


def test_published_rows_match_the_contract_and_role_scopes(desks, client, hall_id) -> None:  # noqa: ANN001
    case_id = _licence(desks)
    reviewer = desks["reviewer"]
    cases = _pull(client, reviewer, "approval_case", f"role:{hall_id}:reviewer")
    row = CaseRow.model_validate(cases[case_id])
    assert row.current_steps == ["review"] and row.step_roles == ["reviewer"]
    assert row.applicant_id_masked == "110105********002X" and PERSON_ID not in str(cases)
    events = _pull(client, reviewer, "approval_event", f"hall:{hall_id}")
    assert len(events) == 2 and all("personal" not in EventRow.model_validate(e).model_dump() for e in events.values())
    assert "张三" not in str(events)  # the applicant's name travels sealed in the event, not in the clear
    verifier = desks["verifier"]
    assert case_id not in _pull(client, verifier, "approval_case", f"role:{hall_id}:verifier")
    passed = reviewer.send(command(cmd.PassStep, case_id, 2, "in_review", "2026-11-03", reviewer, step="review",
                                           opinion="材料齐全"))
    assert passed["status"] == "accepted", passed
    assert _pull(client, verifier, "approval_case", f"role:{hall_id}:verifier")[case_id]["current_steps"] == ["verify"]
    # the reviewer's worklist learns the case left its step
    assert _pull(client, reviewer, "approval_case", f"role:{hall_id}:reviewer")[case_id]["version"] == 3
    forbidden = client.get("/api/v1/sync/pull", params={"cursors": f"role:{hall_id}:head@0"},
                           headers=reviewer.headers)
    assert forbidden.status_code == 403
    assert PROTOCOL_VERSION == 1
