from __future__ import annotations

import pytest

from shared.approval import commands as cmd
from shared.approval.statistics import statistics
from shared.approval.views import view_case

from tests.approval.factory import CALENDAR, D, Driver


def closed_case(case_id: str, town: str, day, closed_on, stop=None) -> Driver:
    drv = Driver(case_id=case_id)
    drv.receive(day, town=town, channel="online")
    drv.do(cmd.Accept, "clerk", day)
    if stop:
        drv.do(cmd.StartSpecialProcedure, "reviewer", stop[0], step="review", category="testing",
               expected_days=5, reason="送检")
        drv.do(cmd.EndSpecialProcedure, "reviewer", stop[1], result="合格")
    drv.pass_("review", closed_on)
    drv.pass_("verify", closed_on)
    drv.do(cmd.Refuse, "head", closed_on, step="decide", reason="不符合", legal_basis="第三十八条")
    drv.do(cmd.Close, "clerk", closed_on)
    return drv


def test_counts_by_quarter_and_town_with_average_cycle_excluding_stopped_time() -> None:
    a = closed_case("A", "虎门镇", D(2026, 6, 1), D(2026, 6, 5))                              # 4 working days
    b = closed_case("B", "虎门镇", D(2026, 6, 1), D(2026, 6, 12), stop=(D(2026, 6, 2), D(2026, 6, 9)))  # 1 + 3
    c = Driver(case_id="C")
    c.receive(D(2026, 6, 3), town="长安镇", channel="counter")
    c.do(cmd.Accept, "clerk", D(2026, 6, 3))
    d = Driver(case_id="D")
    d.receive(D(2026, 3, 2), town="长安镇")
    d.do(cmd.RejectApplication, "clerk", D(2026, 3, 2), reason="不属本机关", legal_basis="第三十二条")
    today = D(2026, 7, 15)  # C is overdue by then (20 working days from 06-03 end 07-02)
    vs = [view_case(x.state, x.definition, today, CALENDAR) for x in (a, b, c, d)]
    table = statistics(vs, ("quarter", "town"))
    assert list(table) == [("2026-Q1", "长安镇"), ("2026-Q2", "虎门镇"), ("2026-Q2", "长安镇")]
    hm = table[("2026-Q2", "虎门镇")]
    assert (hm.received, hm.accepted, hm.refused, hm.closed, hm.in_progress, hm.overdue) == (2, 2, 2, 2, 0, 0)
    assert hm.average_cycle_days == (4 + 4) / 2
    ca = table[("2026-Q2", "长安镇")]
    assert (ca.received, ca.in_progress, ca.overdue, ca.average_cycle_days) == (1, 1, 1, None)
    assert table[("2026-Q1", "长安镇")].not_accepted == 1
    by_channel = statistics(vs, ("channel",))
    assert by_channel[("online",)].received == 2
    assert statistics(vs, ("year",))[("2026",)].received == 4
    assert statistics(vs, ("month",))[("2026-06",)].received == 3


def test_unknown_dimension_is_an_error() -> None:
    with pytest.raises(ValueError):
        statistics([], ("weather",))
