"""Approval commands through hall sync: a whole public-service case, a licence case, stale bases,
annotations, and every kind of bad input refused with its code and without a partial change."""

from __future__ import annotations

from sqlalchemy import func, select

from server.approval.models import ApprovalCase, ApprovalEvent
from shared.approval import commands as cmd
from tests.approval_server.support import COMPANY_ID, REQUIRED, command, receive


def test_public_service_case_end_to_end(desks, database) -> None:  # noqa: ANN001
    clerk, approver = desks["clerk"], desks["approver"]
    case_id, result = receive(clerk)
    assert result["status"] == "accepted", result
    assert result["result"]["version"] == 1
    r = clerk.send(command(cmd.Accept, case_id, 1, "received", "2026-11-02", clerk))
    assert r["status"] == "accepted", r
    r = approver.send(command(cmd.Grant, case_id, 2, "in_review", "2026-11-03", approver, step="decide",
                              opinion="同意"))
    assert r["status"] == "accepted", r
    r = clerk.send(command(cmd.Close, case_id, 3, "decided_granted", "2026-11-03", clerk))
    assert r["status"] == "accepted", r
    with database.session() as session:
        case = session.get(ApprovalCase, case_id)
        assert (case.status, case.version, case.last_by, case.last_role) == ("closed", 4, "clerk", "clerk")
        assert COMPANY_ID not in case.applicant_id_masked and case.applicant_id_masked.endswith(COMPANY_ID[-4:])
        assert session.scalar(select(func.count()).select_from(ApprovalEvent)
                              .where(ApprovalEvent.case_id == case_id)) == 4


def test_stale_base_is_rejected_with_who_and_when(desks) -> None:  # noqa: ANN001
    clerk, approver = desks["clerk"], desks["approver"]
    case_id, _ = receive(clerk)
    clerk.send(command(cmd.Accept, case_id, 1, "received", "2026-11-02", clerk))
    # a second clerk action on the old base
    r = clerk.send(command(cmd.Accept, case_id, 1, "received", "2026-11-02", clerk))
    assert r["status"] == "rejected" and r["code"] == "stale_command"
    assert r["details"]["current_version"] == 2 and r["details"]["current_state"] == "in_review"
    assert r["details"]["changed_by"] == "clerk" and r["details"]["changed_at"]
    r = approver.send(command(cmd.Grant, case_id, 2, "received", "2026-11-03", approver, step="decide"))
    assert r["code"] == "stale_command"


def test_urge_is_not_stale_while_the_case_moves(desks) -> None:  # noqa: ANN001
    clerk, supervisor = desks["clerk"], desks["supervisor"]
    case_id, _ = receive(clerk)
    clerk.send(command(cmd.Accept, case_id, 1, "received", "2026-11-02", clerk))
    r = supervisor.send(command(cmd.Urge, case_id, 1, "received", "2026-11-03", supervisor, message="请加快"))
    assert r["status"] == "accepted", r
    assert r["result"]["version"] == 3


def test_bad_input_is_refused_by_code_without_partial_change(desks, database) -> None:  # noqa: ANN001
    clerk, approver = desks["clerk"], desks["approver"]
    assert receive(clerk, item="NOPE")[1]["code"] == "unknown_item"
    assert receive(clerk, situation="NOPE")[1]["code"] == "unknown_situation"
    assert receive(clerk, applicant_id="91350100M000100Y44")[1]["code"] == "invalid_applicant_id"
    assert receive(clerk, kind="person", applicant_id="110105194912310021")[1]["code"] == "invalid_applicant_id"
    assert receive(clerk, materials=("不存在的材料",))[1]["code"] == "unknown_material"
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(ApprovalCase)) == 0
    case_id, _ = receive(clerk, materials=REQUIRED[:1])
    r = clerk.send(command(cmd.Accept, case_id, 1, "received", "2026-11-02", clerk))
    assert r["code"] == "missing_materials" and r["details"]["missing"] == [REQUIRED[1]]
    r = approver.send(command(cmd.Accept, case_id, 1, "received", "2026-11-02", approver))
    assert r["code"] == "role_not_allowed"
    r = clerk.send(command(cmd.Grant, case_id, 1, "received", "2026-11-02", clerk, step="decide"))
    assert r["code"] == "action_not_allowed"
    r = clerk.send(command(cmd.Close, "00000000-0000-4000-8000-000000000000", 1, "received", "2026-11-02", clerk))
    assert r["code"] == "unknown_case"
    with database.session() as session:
        assert session.get(ApprovalCase, case_id).version == 1
