"""送达 of a written notice (ServeNotice): who, how, when, the notice's signed digest — and Art. 44's clock,
which runs to the decision's 送达, not to 发证."""

from __future__ import annotations

import pytest

from shared.approval import commands as cmd
from shared.approval.clocks import Card, issue_clock
from shared.approval.errors import InvalidCommand, StaleCommand
from shared.approval.lifecycle import CaseStatus as S
from shared.approval.rows import case_row
from shared.approval.serialization import command_from_dict, command_to_dict
from shared.crypto.sm2 import Signer

from tests.approval.factory import CALENDAR, D, Driver

SIGNER = Signer.generate()
PDF = b"%PDF-1.4 a grant notice"


def signed(pdf: bytes = PDF) -> dict:
    s = SIGNER.sign(pdf)
    return {"digest": s.digest, "signature": s.signature, "signer_key": s.public_key}


def serve(drv: Driver, day, notice="grant", method="direct", role="clerk", **kw):  # noqa: ANN001, ANN201
    kw = {"recipient": "张三", **signed(), **kw}
    return drv.do(cmd.ServeNotice, role, day, notice=notice, method=method, **kw)


def test_serving_the_grant_notice_stops_the_art44_clock_before_the_licence_is_issued() -> None:
    drv = Driver().granted(D(2026, 6, 1))
    e = serve(drv, D(2026, 6, 12), served_on="2026-06-10")
    assert e.payload["recipient_masked"] != "张三" and e.personal == {"recipient": "张三"}
    assert (drv.state.status, drv.state.decision_served_on) == (S.DECIDED_GRANTED, D(2026, 6, 10))
    c = issue_clock(drv.state, drv.definition, D(2026, 7, 1), CALENDAR)
    assert (c.finished_on, c.card) == (D(2026, 6, 10), Card.GREEN)
    row = case_row(drv.state, drv.definition, CALENDAR, D(2026, 7, 1), {})
    assert (row["clocks"]["issue_due"], row["clocks"]["served_late"]) == ("2026-06-15", False)


def test_a_late_service_is_red_and_marked_late_in_the_row() -> None:
    drv = Driver().granted(D(2026, 6, 1))
    drv.do(cmd.MakeLicence, "licence_officer", D(2026, 6, 2), licence_no="TS1")
    drv.do(cmd.IssueLicence, "licence_officer", D(2026, 6, 3))   # 发证 in time no longer stops the clock
    assert issue_clock(drv.state, drv.definition, D(2026, 6, 16), CALENDAR).card is Card.RED
    serve(drv, D(2026, 6, 17), method="post", reference="EMS1234567890CN")
    c = issue_clock(drv.state, drv.definition, D(2026, 7, 1), CALENDAR)
    assert (c.finished_on, c.card) == (D(2026, 6, 17), Card.RED)
    row = case_row(drv.state, drv.definition, CALENDAR, D(2026, 7, 1), {})
    assert row["clocks"]["served_late"] is True and row["clocks"]["card"] == "red_card"


def test_a_service_on_a_case_that_moved_on_is_stale() -> None:
    drv = Driver().granted(D(2026, 6, 1))
    seen = cmd.Base(drv.state.version, drv.state.status)
    drv.do(cmd.MakeLicence, "licence_officer", D(2026, 6, 2), licence_no="TS1")
    with pytest.raises(StaleCommand):
        serve(drv, D(2026, 6, 3), base=seen)


def test_a_refusal_of_acceptance_is_served_after_the_case_ended() -> None:
    drv = Driver()
    drv.receive(D(2026, 6, 1))
    drv.do(cmd.RejectApplication, "clerk", D(2026, 6, 1), reason="不属于本机关职权", legal_basis="第三十二条")
    serve(drv, D(2026, 6, 2), notice="refusal_of_acceptance", method="electronic", reference="a@b.cn")
    assert drv.state.status is S.NOT_ACCEPTED and drv.state.served_on("refusal_of_acceptance") == D(2026, 6, 2)


@pytest.mark.parametrize(("kw", "code"), [
    ({"notice": "refusal"}, "notice_not_available"),
    ({"notice": "licence"}, "unknown_notice_kind"),
    ({"method": "pigeon"}, "bad_service_method"),
    ({"method": "post", "reference": "x"}, "bad_tracking_no"),
    ({"method": "public"}, "reference_required"),
    ({"recipient": " "}, "recipient_required"),
    ({"served_on": "2026-05-31"}, "bad_served_on"),   # before the decision
    ({"served_on": "2026-06-09"}, "bad_served_on"),   # after today
    ({"served_on": "6/2"}, "bad_served_on"),
    ({"digest": "0" * 64}, "bad_notice_signature"),   # the signature is of other bytes
    ({"signature": "00"}, "bad_notice_signature"),
])
def test_bad_services_are_refused_with_a_code(kw: dict, code: str) -> None:
    drv = Driver().granted(D(2026, 6, 1))
    with pytest.raises(InvalidCommand) as info:
        serve(drv, D(2026, 6, 8), **kw)
    assert info.value.code == code


def test_the_command_survives_the_wire() -> None:
    drv = Driver().granted(D(2026, 6, 1))
    c = drv.command(cmd.ServeNotice, "clerk", D(2026, 6, 2), notice="grant", method="direct", recipient="张三",
                    **signed())
    assert command_from_dict(command_to_dict(c)) == c
