from __future__ import annotations

from shared.approval import commands as cmd
from shared.approval.clocks import Card
from shared.approval.defaults import public_service_definition
from shared.approval.views import awaiting_reply, by_department_and_step, near_due, overdue, view_case

from tests.approval.factory import CALENDAR, D, Driver

APRIL_28 = D(2026, 4, 28)


def case(case_id: str, department: str, accepted_on) -> Driver:
    drv = Driver(public_service_definition("P01", "filing", statutory_limit_days=5, promised_limit_days=5),
                 case_id=case_id)
    drv.receive(accepted_on, department=department)
    drv.do(cmd.Accept, "clerk", accepted_on)
    return drv


def views(drivers, today):
    return [view_case(d.state, d.definition, today, CALENDAR) for d in drivers]


def test_near_due_and_overdue_lists_by_department_and_step() -> None:
    late = case("K1", "质量科", APRIL_28)            # statutory due 05-08, step due 05-07
    close = case("K2", "质量科", D(2026, 5, 6))       # statutory due 05-12
    fresh = case("K3", "特种设备科", D(2026, 5, 8))   # due 05-14
    done = case("K4", "质量科", APRIL_28)
    done.do(cmd.Grant, "approver", D(2026, 5, 6), step="decide", opinion="同意")
    done.do(cmd.Close, "clerk", D(2026, 5, 6))
    today = D(2026, 5, 9)  # a working Saturday
    vs = views([late, close, fresh, done], today)
    red = overdue(vs)
    assert {(e.case_id, e.clock) for e in red} == {("K1", "statutory"), ("K1", "promised"), ("K1", "step:decide")}
    yellow = near_due(vs)
    assert {e.case_id for e in yellow} == {"K2"}
    assert by_department_and_step(red) == {("质量科", "decide"): ["K1"]}
    assert vs[0].card is Card.RED and vs[2].card is Card.GREEN and not vs[3].is_open


def test_art32_warning_is_part_of_the_view_and_supervisions_awaiting_reply_are_listed() -> None:
    drv = Driver(case_id="K9")
    drv.receive(APRIL_28)
    view = view_case(drv.state, drv.definition, D(2026, 5, 7), CALENDAR)
    assert view.art32.warning and view.statutory is None
    # on the near-due list too, with the last day to ask for corrections
    art32 = [(e.clock, e.due, e.remaining) for e in near_due([view]) if e.clock == "art32"]
    assert art32 == [("art32", view.art32.deadline, view.art32.workdays_left)]
    assert not [e for e in near_due([view_case(drv.state, drv.definition, D(2026, 4, 29), CALENDAR)])
                if e.clock == "art32"]  # day 1: not yet
    drv.do(cmd.Accept, "clerk", D(2026, 5, 7))
    drv.do(cmd.Supervise, "head", D(2026, 5, 7), message="请说明", reply_within_days=2)
    on_time = awaiting_reply([view_case(drv.state, drv.definition, D(2026, 5, 9), CALENDAR)], CALENDAR)
    assert [(a.case_id, a.supervision_id, a.steps, a.reply_due, a.late) for a in on_time] == \
        [("K9", "K9#3", ("review",), D(2026, 5, 9), False)]  # 05-08, then the working Saturday
    assert awaiting_reply([view_case(drv.state, drv.definition, D(2026, 5, 11), CALENDAR)], CALENDAR)[0].late
    drv.do(cmd.ReplySupervision, "reviewer", D(2026, 5, 11), supervision_id="K9#3", reply="已补充")
    assert awaiting_reply([view_case(drv.state, drv.definition, D(2026, 5, 11), CALENDAR)], CALENDAR) == []
