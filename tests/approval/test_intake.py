from __future__ import annotations

import pytest

from shared.approval import commands as cmd
from shared.approval.art32 import art32_status
from shared.approval.commands import CorrectionItem
from shared.approval.errors import ActionNotAllowed, InvalidCommand, MissingMaterials, RoleNotAllowed
from shared.approval.lifecycle import CaseStatus as S
from shared.calendar import CalendarNotPublished, WorkCalendar

from tests.approval.factory import CALENDAR, D, Driver

RECEIVED = D(2026, 4, 28)  # Tuesday; May Day holiday 05-01..05-05, working Saturday 05-09
ITEMS = (CorrectionItem("营业执照副本", "已过有效期"), CorrectionItem("申请书", "未盖公章"))


def received(materials=("申请书", "营业执照副本")) -> Driver:
    drv = Driver()
    drv.receive(RECEIVED, materials=materials, channel="online", town="虎门镇", department="特种设备科")
    return drv


def test_receive_pins_the_definition_version_and_starts_at_intake() -> None:
    drv = received()
    s = drv.state
    assert (s.status, s.version, s.current_steps, s.definition_version) == (S.RECEIVED, 1, ("intake",), 1)
    assert (s.received_on, s.channel, s.town) == (RECEIVED, "online", "虎门镇")


def test_accept_moves_to_the_first_review_step_on_the_day() -> None:
    drv = received()
    event = drv.do(cmd.Accept, "clerk", D(2026, 4, 29))
    assert event.status_after is S.IN_REVIEW and event.steps_after == ("review",)
    assert drv.state.accepted_on == D(2026, 4, 29) and not drv.state.deemed_art32


def test_accept_lists_every_missing_required_material() -> None:
    drv = Driver()
    drv.receive(RECEIVED, materials=("其他材料",))
    with pytest.raises(MissingMaterials) as info:
        drv.do(cmd.Accept, "clerk", RECEIVED)
    assert info.value.missing == ("申请书", "营业执照副本") and info.value.code == "missing_materials"
    drv.do(cmd.Accept, "clerk", RECEIVED, materials=("申请书", "营业执照副本"))  # handed in at the counter
    assert drv.state.status is S.IN_REVIEW


def test_only_the_intake_role_accepts() -> None:
    drv = received()
    with pytest.raises(RoleNotAllowed) as info:
        drv.do(cmd.Accept, "reviewer", RECEIVED)
    assert info.value.code == "role_not_allowed"


def test_pre_accept_then_accept() -> None:
    drv = received()
    drv.do(cmd.PreAccept, "clerk", RECEIVED)
    assert drv.state.status is S.PRE_ACCEPTED
    with pytest.raises(ActionNotAllowed):
        drv.do(cmd.PreAccept, "clerk", RECEIVED)
    drv.do(cmd.Accept, "clerk", RECEIVED)
    assert drv.state.status is S.IN_REVIEW


def test_correction_request_lists_everything_and_restarts_the_art32_window() -> None:
    drv = received()
    drv.do(cmd.RequestCorrection, "clerk", D(2026, 4, 29), items=ITEMS)
    assert drv.state.status is S.CORRECTION_REQUESTED
    assert art32_status(drv.state, D(2026, 5, 20), CALENDAR) is None  # the applicant was told in time
    drv.do(cmd.ReceiveCorrection, "clerk", D(2026, 5, 11), materials=("营业执照副本", "申请书"))
    assert drv.state.status is S.RECEIVED and drv.state.window_start == D(2026, 5, 11)
    # No answer within 5 working days of the corrected materials: accepted as of 05-11.
    drv.do(cmd.Accept, "clerk", D(2026, 5, 19))
    assert drv.state.accepted_on == D(2026, 5, 11) and drv.state.deemed_art32


def test_correction_request_must_list_items_without_duplicates() -> None:
    drv = received()
    with pytest.raises(InvalidCommand) as info:
        drv.do(cmd.RequestCorrection, "clerk", RECEIVED, items=())
    assert info.value.code == "correction_items_required"
    with pytest.raises(InvalidCommand) as info:
        drv.do(cmd.RequestCorrection, "clerk", RECEIVED, items=(ITEMS[0], ITEMS[0]))
    assert info.value.code == "duplicate_correction_item"
    with pytest.raises(InvalidCommand) as info:
        drv.do(cmd.RequestCorrection, "clerk", RECEIVED, items=(CorrectionItem("申请书", " "),))
    assert info.value.code == "problem_required"


def test_a_second_correction_request_may_not_add_new_items() -> None:
    drv = received()
    drv.do(cmd.RequestCorrection, "clerk", RECEIVED, items=ITEMS[:1])
    drv.do(cmd.ReceiveCorrection, "clerk", D(2026, 4, 29), materials=("营业执照副本",))
    with pytest.raises(InvalidCommand) as info:
        drv.do(cmd.RequestCorrection, "clerk", D(2026, 4, 30), items=ITEMS)
    assert info.value.code == "correction_not_at_once" and info.value.details["new_items"] == ["申请书"]
    drv.do(cmd.RequestCorrection, "clerk", D(2026, 4, 30), items=ITEMS[:1])  # still not right: allowed
    assert len(drv.state.correction_requests) == 2


def test_art32_warns_before_day_5_and_not_earlier() -> None:
    drv = received()
    on = {day: art32_status(drv.state, day, CALENDAR) for day in
          (RECEIVED, D(2026, 5, 6), D(2026, 5, 7), D(2026, 5, 8), D(2026, 5, 9))}
    assert {s.deadline for s in on.values()} == {D(2026, 5, 8)}
    assert [(s.workdays_left, s.warning, s.lapsed) for s in on.values()] == [
        (5, False, False), (2, False, False), (1, True, False), (0, True, False), (-1, False, True)]


def test_accepting_on_day_5_is_in_time() -> None:
    drv = received()
    drv.do(cmd.Accept, "clerk", D(2026, 5, 8))
    assert drv.state.accepted_on == D(2026, 5, 8) and not drv.state.deemed_art32


def test_accepting_after_day_5_backdates_to_the_day_of_receipt() -> None:
    drv = received()
    event = drv.do(cmd.Accept, "clerk", D(2026, 5, 9))  # a working Saturday: day 6
    assert event.payload["deemed_art32"] is True
    assert drv.state.accepted_on == RECEIVED


def test_after_day_5_missing_materials_do_not_block_the_deemed_acceptance() -> None:
    drv = received(materials=("申请书",))
    with pytest.raises(MissingMaterials):
        drv.do(cmd.Accept, "clerk", D(2026, 5, 8))
    event = drv.do(cmd.Accept, "clerk", D(2026, 5, 11))
    assert event.payload["missing_materials"] == ["营业执照副本"] and drv.state.accepted_on == RECEIVED


def test_acceptance_cannot_be_refused_after_day_5() -> None:
    drv = received()
    with pytest.raises(ActionNotAllowed) as info:
        drv.do(cmd.RejectApplication, "clerk", D(2026, 5, 9), reason="x", legal_basis="y")
    assert info.value.code == "art32_window_passed"


def test_correction_cannot_be_requested_after_day_5() -> None:
    drv = received()
    with pytest.raises(ActionNotAllowed) as info:
        drv.do(cmd.RequestCorrection, "clerk", D(2026, 5, 9), items=ITEMS)
    assert info.value.code == "art32_window_passed"
    drv.do(cmd.RequestCorrection, "clerk", D(2026, 5, 8), items=ITEMS)


def test_art32_at_the_turn_of_the_year_needs_the_new_calendar_only_when_it_matters() -> None:
    drv = Driver()
    drv.receive(D(2026, 12, 28))
    drv.do(cmd.Accept, "clerk", D(2026, 12, 30))  # 2 working days in: no 2027 data needed
    assert drv.state.accepted_on == D(2026, 12, 30)
    late = Driver()
    late.receive(D(2026, 12, 28))
    with pytest.raises(CalendarNotPublished) as info:
        late.do(cmd.Accept, "clerk", D(2027, 1, 8))
    assert info.value.code == "calendar_not_published" and info.value.year == 2027
    calendar_2027 = WorkCalendar({D(2027, 1, 1): False}, published_years={2027})
    outcomes = []
    for accepted_on in (D(2027, 1, 5), D(2027, 1, 6)):  # day 5 is 01-05 (New Year's Day is a holiday)
        published = Driver(calendar=calendar_2027)
        published.receive(D(2026, 12, 28))
        published.do(cmd.Accept, "clerk", accepted_on)
        outcomes.append((published.state.accepted_on, published.state.deemed_art32))
    assert outcomes == [(D(2027, 1, 5), False), (D(2026, 12, 28), True)]


def test_system_sweep_records_deemed_acceptance_only_after_the_window() -> None:
    drv = received()
    with pytest.raises(ActionNotAllowed) as info:
        drv.do(cmd.DeemAccepted, "system", D(2026, 5, 8))
    assert info.value.code == "art32_window_open"
    with pytest.raises(RoleNotAllowed):
        drv.do(cmd.DeemAccepted, "clerk", D(2026, 5, 11))
    event = drv.do(cmd.DeemAccepted, "system", D(2026, 5, 11))
    assert event.action.value == "deemed_accepted_art32" and event.payload["reason"] == "deemed_accepted_art32"
    assert (drv.state.status, drv.state.accepted_on, drv.state.current_steps) == (S.IN_REVIEW, RECEIVED, ("review",))


def test_reject_application_needs_reason_and_legal_basis_and_ends_the_case() -> None:
    drv = received()
    with pytest.raises(InvalidCommand) as info:
        drv.do(cmd.RejectApplication, "clerk", RECEIVED, reason="不属于本机关职权范围", legal_basis="")
    assert info.value.code == "legal_basis_required"
    drv.do(cmd.RejectApplication, "clerk", RECEIVED, reason="不属于本机关职权范围", legal_basis="《行政许可法》第三十二条")
    assert drv.state.status is S.NOT_ACCEPTED and drv.state.ended_on == RECEIVED
    with pytest.raises(ActionNotAllowed) as info:
        drv.do(cmd.Accept, "clerk", RECEIVED)
    assert info.value.code == "case_finished"


def test_correction_after_acceptance_waits_for_the_materials() -> None:
    drv = received()
    drv.do(cmd.Accept, "clerk", RECEIVED)
    drv.do(cmd.RequestCorrection, "reviewer", D(2026, 4, 29), items=ITEMS[:1])
    assert drv.state.status is S.CORRECTION_REQUESTED and drv.state.open_stop is not None
    with pytest.raises(ActionNotAllowed) as info:
        drv.do(cmd.RejectApplication, "clerk", D(2026, 4, 30), reason="x", legal_basis="y")
    assert info.value.code == "already_accepted"
    drv.do(cmd.ReceiveCorrection, "clerk", D(2026, 5, 7), materials=("营业执照副本",))
    assert drv.state.status is S.IN_REVIEW and drv.state.current_steps == ("review",)
    assert drv.state.open_stop is None and drv.state.stops[0].ended_on == D(2026, 5, 7)
