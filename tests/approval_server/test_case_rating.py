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


def _closed_case(desks) -> str:  # noqa: ANN001
    clerk = desks["clerk"]
    case_id, r = receive(clerk, item=LICENCE_ITEM, situation=LICENCE_SITUATION, kind="person",
                         applicant_id=PERSON_ID, name="张三")
    assert r["status"] == "accepted", r
    steps = [("clerk", cmd.Accept, {}), ("reviewer", cmd.PassStep, {"step": "review"}),
             ("verifier", cmd.PassStep, {"step": "verify"}), ("head", cmd.Grant, {"step": "decide"}),
             ("officer", cmd.MakeLicence, {"licence_no": "L-2"}), ("officer", cmd.IssueLicence, {}),
             ("clerk", cmd.Close, {})]
    status = "received"
    for version, (user, kind, fields) in enumerate(steps, start=1):
        r = desks[user].send(command(kind, case_id, version, status, "2026-11-02", desks[user], opinion="同意",
                                     **fields))
        assert r["status"] == "accepted", (user, r)
        status = r["result"]["status"]
    return case_id


def test_the_counters_evaluator_rates_the_case_its_window_asked_about(desks, client, database, hall_id) -> None:  # noqa: ANN001
    """一事一评 on the evaluator: the clerk at window 1 asks once the case is finished; window 1's evaluator (and
    no other kiosk) receives a row naming it by reference and item only; its rating goes through the same
    `rating.rate_case` path (a 差评 opens a record), for that case only, and the ask row turns rated."""
    from sqlalchemy import select as sql_select

    from shared.db.models import Window
    from tests.approval_server.support import PASSWORD, Desk
    from tests.sync.support import new_device
    with database.session() as s:
        windows = list(s.scalars(sql_select(Window.id).where(Window.hall_id == hall_id).order_by(Window.number)))
    device_id, token = new_device(database, "workstation", hall_id, windows[0])
    login = client.post("/api/v1/auth/login", json={"username": "clerk", "password": PASSWORD, "device_id": device_id})
    counter = Desk(client, device_id, token, login.json()["token"], "clerk")
    evaluators = {}
    for n in (0, 1):
        eid, etoken = new_device(database, "evaluator", hall_id, windows[n])
        evaluators[n] = Desk(client, eid, etoken, "", "")
    open_case, _ = receive(desks["clerk"])

    def ask(case_id: str) -> dict:
        return counter.push("rating.ask_case", {"ask_id": str(uuid.uuid4()), "case_id": case_id,
                                                "at": "2026-11-02T16:50:00+08:00"}, None)

    def evaluator_rows(n: int) -> dict[str, dict]:
        headers = {"Authorization": f"Bearer {evaluators[n].token}"}
        body = client.get("/api/v1/sync/pull", headers=headers, params={"limit": 5000}).json()
        return {c["pk"]: c["row"] for c in body["changes"] if c["table"] == "case_rating_ask"}

    def rate_from(n: int, case_id: str, level: str, reason: str = "") -> dict:
        headers = {"Authorization": f"Bearer {evaluators[n].token}"}
        evaluators[n].seq += 1
        body = {"device": evaluators[n].device_id, "protocol_version": 1, "commands": [{
            "seq": evaluators[n].seq, "command_id": str(uuid.uuid4()), "name": "rating.rate_case", "version": 1,
            "args": {"rating_id": str(uuid.uuid4()), "case_id": case_id, "level": level, "reason": reason,
                     "at": "2026-11-02T16:52:00+08:00"}, "base": None, "hlc": f"{evaluators[n].seq:016d}"}]}
        response = client.post("/api/v1/sync/push", json=body, headers=headers)
        assert response.status_code == 200, response.text
        return response.json()["results"][0]

    assert ask(open_case)["code"] == "case_not_closed"          # the shared rule: after 办结 only
    desk_without_window = desks["clerk"]
    assert desk_without_window.push("rating.ask_case", {"ask_id": str(uuid.uuid4()), "case_id": open_case,
                                                        "at": "2026-11-02T16:50:00+08:00"},
                                    None)["code"] == "window_required"
    case_id = _closed_case(desks)
    with database.session() as s:
        from server.approval.models import ApprovalCase
        number = s.get(ApprovalCase, case_id).case_number
        item_name = s.scalars(sql_select(ServiceItem.name).where(ServiceItem.code == LICENCE_ITEM)).one()
    asked = ask(case_id)
    assert asked["status"] == "accepted", asked
    rows = evaluator_rows(0)
    row = rows[str(windows[0])]
    assert (row["case_id"], row["state"], row["item_name"]) == (case_id, "open", item_name)
    assert row["reference"] == "…" + number[-6:] and number not in str(row)
    assert "张三" not in str(row) and PERSON_ID not in str(row)       # no personal data
    assert evaluator_rows(1) == {}                                   # another window's evaluator: nothing
    assert rate_from(1, case_id, "satisfied")["code"] == "case_not_asked"
    assert rate_from(0, open_case, "satisfied")["code"] == "case_not_asked"
    assert rate_from(0, case_id, "dissatisfied")["code"] == "bad_rating_needs_reason"
    rated = rate_from(0, case_id, "dissatisfied", "等候时间太长")
    assert rated["status"] == "accepted" and rated["result"]["record_id"], rated
    rating = _pull(client, desks["supervisor"], "case_rating")[rated["result"]["rating_id"]]
    assert (rating["case_id"], rating["level"], rating["by"]) == (case_id, "dissatisfied", "clerk")
    record = _pull(client, desks["supervisor"], "rating_rectification")[rated["result"]["record_id"]]
    assert (record["source"], record["subject_id"]) == ("case", case_id)
    assert evaluator_rows(0)[str(windows[0])]["state"] == "rated"
    assert rate_from(0, case_id, "satisfied")["code"] == "case_rating_exists"
    assert ask(case_id)["code"] == "case_rating_exists"
    # a workstation bound to window 1 cannot ask another window's evaluator (as the queue's commands)
    other = counter.push("rating.ask_case", {"ask_id": str(uuid.uuid4()), "case_id": case_id,
                                             "window_id": windows[1], "at": "2026-11-02T16:55:00+08:00"}, None)
    assert other["code"] == "window_not_yours"
