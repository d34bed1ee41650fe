"""延续 and 变更 as cases that link to the licence (issue 15, item 3): the application names the licence by its
number and the server checks it at receipt (exists in this hall, same item, valid today, held by the applicant);
the case carries the licence id; its 制证 gives the licence a successor certificate with the same number —
renewed from the old last day, or changed (holder name) with the validity kept — and replaces the old one; the
register's history lists every case that touched the licence."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from server.approval.models import ApprovalCase
from server.licences.models import Licence
from shared.approval import commands as cmd
from tests.approval_server.support import LICENCE_ITEM, LICENCE_SITUATION, PERSON_ID, command, receive
from tests.approval_server.test_licences import granted_licence, licence_of
from tests.fixtures.server import login

OTHER_ID = "110105198001010016"  # a valid resident ID of someone else


def _apply(desks, action: str, number: str, *, name: str = "张三", applicant_id: str = PERSON_ID,  # noqa: ANN001
           licence_no: str = "") -> tuple[str, dict]:
    return receive(desks["clerk"], item=LICENCE_ITEM, situation=LICENCE_SITUATION, kind="person",
                   applicant_id=applicant_id, name=name, day="2026-11-20", licence_action=action, licence_no=number)


def _through_licence(desks, case_id: str, licence_no: str = "") -> dict:  # noqa: ANN001
    steps = [("clerk", cmd.Accept, {}, "received"), ("reviewer", cmd.PassStep, {"step": "review"}, None),
             ("verifier", cmd.PassStep, {"step": "verify"}, None), ("head", cmd.Grant, {"step": "decide"}, None),
             ("officer", cmd.MakeLicence, {"licence_no": licence_no}, None)]
    status, sent = None, {}
    for version, (user, kind, fields, first) in enumerate(steps, start=1):
        sent = desks[user].send(command(kind, case_id, version, first or status, "2026-11-23", desks[user],
                                        opinion="同意", **fields))
        if sent["status"] != "accepted":
            return sent
        status = sent["result"]["status"]
    return sent


def _successor(database, old_id: str) -> Licence:  # noqa: ANN001
    with database.session() as s:
        old = s.get(Licence, old_id)
        new = s.get(Licence, old.replaced_by_id)
        s.expunge(old)
        s.expunge(new)
        return old, new


def test_a_renewal_case_renews_the_named_licence_from_its_old_last_day(desks, client, database) -> None:  # noqa: ANN001
    lic = licence_of(database, granted_licence(desks))
    case_id, r = _apply(desks, "renew", lic.number)
    assert r["status"] == "accepted", r
    with database.session() as s:
        case = s.get(ApprovalCase, case_id)
        assert (case.licence_id, case.licence_action) == (lic.id, "renew")
    made = _through_licence(desks, case_id)  # empty number: a renewal keeps the licence's own
    assert made["status"] == "accepted", made
    old, new = _successor(database, lic.id)
    assert old.status == "replaced" and old.revoke_reason.startswith("延续：")
    assert (new.number, new.origin, new.status) == (lic.number, "renewed", "valid")
    assert new.valid_from == lic.valid_until + dt.timedelta(days=1) and new.valid_until.year == lic.valid_until.year + 5
    assert new.case_id == case_id
    history = client.get(f"/api/v1/licences/{new.id}/history", headers=login(client, "clerk"))
    assert history.status_code == 200, history.text
    assert [(h["origin"], h["licence_id"]) for h in history.json()] == [("made", lic.id), ("renewed", new.id)]


def test_a_change_case_gives_a_new_certificate_with_the_new_name_and_the_same_validity(desks, client,
                                                                                       database) -> None:  # noqa: ANN001
    lic = licence_of(database, granted_licence(desks))
    case_id, r = _apply(desks, "change", lic.number, name="张三丰")
    assert r["status"] == "accepted", r
    history = client.get(f"/api/v1/licences/{lic.id}/history", headers=login(client, "clerk")).json()
    assert [h["origin"] for h in history] == ["made", "change_applied"]  # under way: the register shows it
    wrong = _through_licence(desks, case_id, licence_no="OTHER-1")
    assert wrong["status"] == "rejected" and wrong["code"] == "licence_number_kept", wrong
    assert _through_licence_resume(desks, case_id)["status"] == "accepted"
    old, new = _successor(database, lic.id)
    assert (new.origin, new.number, new.valid_from, new.valid_until) == \
        ("changed", lic.number, lic.valid_from, lic.valid_until)
    assert new.holder_name_masked != old.holder_name_masked  # 张* → 张*丰
    assert old.status == "replaced"


def _through_licence_resume(desks, case_id: str) -> dict:  # noqa: ANN001
    return desks["officer"].send(command(cmd.MakeLicence, case_id, 5, "decided_granted", "2026-11-23",
                                         desks["officer"], opinion="同意", licence_no=""))


def test_the_named_licence_is_checked_at_receipt(desks, client, database) -> None:  # noqa: ANN001
    lic = licence_of(database, granted_licence(desks))
    for number, applicant, code in (("", PERSON_ID, "licence_number_required"),
                                    ("NO-SUCH-1", PERSON_ID, "licence_number_unknown"),
                                    (lic.number, OTHER_ID, "licence_other_holder")):
        _, r = _apply(desks, "renew", number, applicant_id=applicant)
        assert r["status"] == "rejected" and r["code"] == code, (code, r)
    client.post(f"/api/v1/licences/{lic.id}/revoke", headers=login(client, "supervisor"), json={"reason": "注销"})
    _, r = _apply(desks, "change", lic.number)
    assert r["status"] == "rejected" and r["code"] == "licence_not_valid", r  # revoked: not in force
    with database.session() as s:
        assert s.scalars(select(ApprovalCase).where(ApprovalCase.licence_id.is_not(None))).first() is None


def test_a_withdrawn_application_leaves_the_licences_history(desks, client, database) -> None:  # noqa: ANN001
    lic = licence_of(database, granted_licence(desks))
    case_id, r = _apply(desks, "renew", lic.number)
    assert r["status"] == "accepted", r
    url, clerk = f"/api/v1/licences/{lic.id}/history", login(client, "clerk")
    assert [h["origin"] for h in client.get(url, headers=clerk).json()] == ["made", "renew_applied"]
    withdrawn = desks["clerk"].send(command(cmd.Withdraw, case_id, 1, "received", "2026-11-20", desks["clerk"],
                                            opinion="申请人撤回", reason="申请人撤回"))
    assert withdrawn["status"] == "accepted", withdrawn
    assert [h["origin"] for h in client.get(url, headers=clerk).json()] == ["made"]
