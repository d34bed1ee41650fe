"""The approval handler's notifications: the applicant's mobile gets SMS for a correction request, the decision
and a licence ready; the staff of a step get tray alerts (through their role's sync scope) for a new 待办, a 催办
and a 督办; a rejected command notifies nobody."""

from __future__ import annotations

from sqlalchemy import select

from server.notify.models import Notification
from shared.approval import commands as cmd
from tests.approval_server.support import LICENCE_ITEM, LICENCE_SITUATION, PERSON_ID, command, receive

PHONE = "13800138000"


def _sms(database) -> dict[str, list[Notification]]:  # noqa: ANN001
    out: dict[str, list[Notification]] = {}
    with database.session() as s:
        for row in s.scalars(select(Notification).where(Notification.channel == "sms").order_by(Notification.created_at)):
            s.expunge(row)
            out.setdefault(row.event, []).append(row)
    return out


def _alerts(client, desk) -> list[dict]:  # noqa: ANN001
    body = client.get("/api/v1/sync/pull", headers=desk.headers, params={"limit": 5000}).json()
    return [c["row"] for c in body["changes"] if c["table"] == "staff_alert"]


def test_a_licence_case_tells_the_applicant_and_the_staff(desks, client, database) -> None:  # noqa: ANN001
    clerk, reviewer, head, officer, boss = (desks[u] for u in ("clerk", "reviewer", "head", "officer", "boss"))
    case_id, r = receive(clerk, item=LICENCE_ITEM, situation=LICENCE_SITUATION, kind="person",
                         applicant_id=PERSON_ID, name="张三", applicant_phone=PHONE)
    assert r["status"] == "accepted", r
    assert clerk.send(command(cmd.Accept, case_id, 1, "received", "2026-11-02", clerk))["status"] == "accepted"
    todo = _alerts(client, reviewer)
    assert [a["event"] for a in todo] == ["new_todo"] and todo[0]["role"] == "reviewer"
    assert todo[0]["text"].startswith("新待办：") and "审查" in todo[0]["text"]
    urged = boss.send(command(cmd.Urge, case_id, 2, "in_review", "2026-11-03", boss, message="请加快办理"))
    assert urged["status"] == "accepted", urged
    texts = [a["text"] for a in _alerts(client, reviewer)]
    assert any(t.startswith("催办：") and t.endswith("请加快办理") for t in texts)
    # a refused command (the reviewer may not decide) raises nothing
    refused = reviewer.send(command(cmd.Grant, case_id, 3, "in_review", "2026-11-04", reviewer, step="review"))
    assert refused["status"] == "rejected"
    assert "decision_made" not in _sms(database)
    status, version = "in_review", 3
    for desk, kind, fields in ((reviewer, cmd.PassStep, {"step": "review"}),
                               (desks["verifier"], cmd.PassStep, {"step": "verify"}),
                               (head, cmd.Grant, {"step": "decide"}), (officer, cmd.MakeLicence, {"licence_no": "L-1"})):
        r = desk.send(command(kind, case_id, version, status, "2026-11-05", desk, opinion="同意", **fields))
        assert r["status"] == "accepted", r
        status, version = r["result"]["status"], version + 1
    sms = _sms(database)
    assert sorted(sms) == ["decision_made", "licence_ready"]
    assert "已作出决定：准予许可" in sms["decision_made"][0].text and sms["licence_ready"][0].phone_masked == "138****8000"
    assert all(PHONE not in (n.phone_sealed or "") for rows in sms.values() for n in rows)


def test_a_correction_request_reaches_the_applicant(desks, database) -> None:  # noqa: ANN001
    clerk = desks["clerk"]
    case_id, _ = receive(clerk, applicant_phone="+86 138 0013 8000")
    r = clerk.send(command(cmd.RequestCorrection, case_id, 1, "received", "2026-11-02", clerk,
                           items=(cmd.CorrectionItem("申请表", "未签字"), cmd.CorrectionItem("营业执照或统一社会信用代码证书", "已过期"))))
    assert r["status"] == "accepted", r
    [note] = _sms(database)["correction_requested"]
    assert "需补正材料2项" in note.text and note.state == "queued"


def test_no_mobile_no_sms(desks, database) -> None:  # noqa: ANN001
    clerk = desks["clerk"]
    case_id, _ = receive(clerk, applicant_phone="0769-22223333")  # a landline: no SMS
    clerk.send(command(cmd.RequestCorrection, case_id, 1, "received", "2026-11-02", clerk,
                       items=(cmd.CorrectionItem("申请表", "未签字"),)))
    assert _sms(database) == {}


def test_near_due_cases_alert_their_steps_staff_once(desks, client, database, clock) -> None:  # noqa: ANN001
    """One alert per entry of the near-due worklist (临期: case, step, clock, due date), to the step's role."""
    from server.approval.near_due_alerts import alert_near_due
    from tests.approval_server.support import at
    from tests.fixtures.server import login

    clerk = desks["clerk"]
    receive(clerk, day="2026-09-29")  # as test_art32_sweep: its Art. 32 window turns yellow on 10-10
    clock.now = at("2026-10-10")
    groups = client.get("/api/v1/worklists/near-due", headers=login(client, "clerk")).json()
    entries = {(e["case_id"], g["step"], e["clock"], e["due"]) for g in groups for e in g["entries"]}
    assert ("art32", "2026-10-12") in {(c, d) for _, _, c, d in entries}
    with database.session() as s:
        assert alert_near_due(s, at("2026-10-10")) == len(entries)
    with database.session() as s:
        assert alert_near_due(s, at("2026-10-10", hour=11)) == 0  # once per entry
    alerts = [a for a in _alerts(client, clerk) if a["event"] == "near_due"]
    assert len(alerts) == len(entries) and {a["role"] for a in alerts} == {"clerk"}
    assert any(a["text"].endswith("将于10月12日到期") for a in alerts)
