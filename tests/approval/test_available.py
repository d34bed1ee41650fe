from __future__ import annotations

from shared.approval import commands as cmd
from shared.approval.available import Available, available_actions
from shared.approval.lifecycle import Action as A

from tests.approval.factory import D, Driver

DAY = D(2026, 6, 1)


def actions(drv: Driver, role: str) -> set[Available]:
    return set(available_actions(drv.state, drv.definition, role))


def test_the_clerk_at_intake() -> None:
    drv = Driver()
    drv.receive(DAY)
    assert actions(drv, "clerk") == {Available(A.PRE_ACCEPT, "intake"), Available(A.ACCEPT, "intake"),
                                     Available(A.REJECT_APPLICATION, "intake"),
                                     Available(A.REQUEST_CORRECTION, "intake"), Available(A.WITHDRAW)}
    assert actions(drv, "reviewer") == set()


def test_the_reviewer_and_the_head_during_review() -> None:
    drv = Driver().accepted(DAY)
    assert actions(drv, "reviewer") == {Available(A.PASS_STEP, "review"), Available(A.REQUEST_CORRECTION, "review"),
                                        Available(A.START_SPECIAL_PROCEDURE, "review")}
    assert actions(drv, "head") == {Available(A.EXTEND), Available(A.TERMINATE), Available(A.URGE),
                                    Available(A.SUPERVISE), Available(A.MARK_URGENT)}
    drv.do(cmd.Supervise, "head", DAY, message="请说明")
    assert Available(A.REPLY_SUPERVISION) in actions(drv, "reviewer")


def test_nothing_on_a_finished_case() -> None:
    drv = Driver().accepted(DAY)
    drv.do(cmd.Withdraw, "clerk", DAY, reason="撤回")
    assert actions(drv, "clerk") == actions(drv, "head") == set()
