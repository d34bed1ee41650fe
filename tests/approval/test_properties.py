"""Random command sequences, valid and invalid, against the decider: the history stays valid and the
statutory clock agrees with an independent day-by-day recount."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from hypothesis import HealthCheck, given, settings, strategies as st
from hypothesis import event as tally

from shared.approval import commands as cmd
from shared.approval.available import AT_STEP, Available, available_actions
from shared.approval.clocks import statutory_clock
from shared.approval.defaults import with_parallel_review
from shared.approval.errors import StaleCommand
from shared.approval.history import validate_history
from shared.approval.lifecycle import Action, CaseStatus, is_allowed_transition
from shared.approval.state import replay
from shared.errors import DomainError

from tests.approval import recount
from tests.approval.factory import CALENDAR, MATERIALS, D, Driver, licence

BRANCHES = [("fire", "消防审查", "fire_officer"), ("env", "环保审查", "env_officer")]
ROLES = ["clerk", "reviewer", "verifier", "head", "licence_officer", "fire_officer", "env_officer",
         "supervisor", "system"]
KINDS = [cmd.PassStep] * 6 + [cmd.Accept] * 3 + [cmd.ReturnToStep] * 2 + [cmd.Grant] * 2 + [
    cmd.PreAccept, cmd.RequestCorrection, cmd.ReceiveCorrection, cmd.DeemAccepted,
    cmd.StartSpecialProcedure, cmd.EndSpecialProcedure, cmd.Extend, cmd.Refuse, cmd.MakeLicence,
    cmd.IssueLicence, cmd.Close, cmd.Deliver, cmd.Urge, cmd.Supervise, cmd.ReplySupervision, cmd.MarkUrgent,
    cmd.Receive] * 2 + [cmd.ReceiveCorrection, cmd.EndSpecialProcedure, cmd.MakeLicence, cmd.IssueLicence]
# sampled_from, unlike integers(), has no bias towards the ends of the range.
RARELY = st.sampled_from([False] * 149 + [True])
SOMETIMES = st.sampled_from([False] * 9 + [True])
ENDINGS = [cmd.Withdraw, cmd.Terminate, cmd.RejectApplication]  # drawn rarely, or few cases get far
FIXED_ROLE = {cmd.Accept: "clerk", cmd.PreAccept: "clerk", cmd.ReceiveCorrection: "clerk", cmd.Withdraw: "clerk",
              cmd.RejectApplication: "clerk", cmd.Extend: "head", cmd.Terminate: "head", cmd.Urge: "supervisor",
              cmd.Supervise: "head", cmd.MarkUrgent: "supervisor", cmd.DeemAccepted: "system",
              cmd.Receive: "clerk", cmd.Close: "clerk", cmd.Deliver: "clerk"}


S = CaseStatus
SENSIBLE = {
    S.RECEIVED: [cmd.Accept, cmd.Accept, cmd.PreAccept, cmd.RequestCorrection, cmd.DeemAccepted],
    S.PRE_ACCEPTED: [cmd.Accept, cmd.RequestCorrection],
    S.CORRECTION_REQUESTED: [cmd.ReceiveCorrection, cmd.ReceiveCorrection, cmd.Extend],
    S.IN_REVIEW: [cmd.PassStep] * 6 + [cmd.ReturnToStep, cmd.StartSpecialProcedure, cmd.RequestCorrection,
                                       cmd.Extend, cmd.Urge, cmd.Supervise, cmd.ReplySupervision],
    S.SPECIAL_PROCEDURE: [cmd.EndSpecialProcedure, cmd.EndSpecialProcedure, cmd.Extend],
    S.DECIDED_GRANTED: [cmd.MakeLicence, cmd.Close],
    S.DECIDED_REFUSED: [cmd.Close],
    S.LICENCE_MADE: [cmd.IssueLicence],
    S.LICENCE_ISSUED: [cmd.Close],
    S.CLOSED: [cmd.Deliver],
}


def choose_kind(data: st.DataObject, drv: Driver) -> type[cmd.Command]:
    """Mostly a command that fits the case's status (so cases get far), sometimes any command at all."""
    if data.draw(RARELY):
        return data.draw(st.sampled_from(ENDINGS))
    sensible = SENSIBLE.get(drv.state.status, KINDS)
    if drv.state.current_steps == (drv.definition.decision_step.name,) and drv.state.status is S.IN_REVIEW:
        sensible = [cmd.Grant] * 3 + [cmd.Refuse, cmd.ReturnToStep, cmd.StartSpecialProcedure, cmd.Extend]
    return data.draw(st.sampled_from(sensible * 10 + KINDS))


def arguments(data: st.DataObject, drv: Driver, kind: type[cmd.Command]) -> tuple[dict, str]:
    """Plausible arguments, sometimes wrong, and the role most likely to be allowed."""
    names = [s.name for s in drv.definition.steps]
    step = data.draw(st.sampled_from(list(drv.state.current_steps) * 30 + names))
    role = FIXED_ROLE.get(kind, drv.definition.step(step).role)
    args: dict = {
        cmd.PassStep: {"step": step, "opinion": data.draw(st.sampled_from(["同意"] * 5 + [""]))},
        cmd.ReturnToStep: {"step": step, "target": data.draw(st.sampled_from(names)), "opinion": "退回"},
        cmd.Grant: {"step": step, "opinion": "准予"},
        cmd.Refuse: {"step": step, "reason": "不符合", "legal_basis": "第三十八条"},
        cmd.Accept: {"materials": data.draw(st.sampled_from([(), MATERIALS]))},
        cmd.RequestCorrection: {"items": tuple(cmd.CorrectionItem(m, "不清晰") for m in
                                               data.draw(st.sampled_from([MATERIALS[:1], MATERIALS, ()])))},
        cmd.ReceiveCorrection: {"materials": MATERIALS},
        cmd.RejectApplication: {"reason": "不属本机关", "legal_basis": "第三十二条"},
        cmd.StartSpecialProcedure: {"step": step, "category": "testing", "expected_days": 5, "reason": "送检"},
        cmd.EndSpecialProcedure: {"result": "合格"},
        cmd.Extend: {"days": data.draw(st.integers(1, 12)), "reason": "复杂"},
        cmd.MakeLicence: {"licence_no": "TS-1"},
        cmd.Deliver: data.draw(st.sampled_from([{"method": "post", "tracking_no": "EA123456789CN"},
                                                {"method": "counter", "receiver_name": "王五",
                                                 "receiver_id": "11010519491231002X"}])),
        cmd.Withdraw: {"reason": "撤回"},
        cmd.Terminate: {"reason": "注销", "legal_basis": "依法"},
        cmd.Urge: {"message": "请加快"},
        cmd.Supervise: {"message": "请说明"},
        cmd.ReplySupervision: {"supervision_id": data.draw(st.sampled_from(
            [s.supervision_id for s in drv.state.supervisions] + ["K1#99"])), "reply": "已办"},
        cmd.MarkUrgent: {"reason": "重点"},
        cmd.Receive: {"item_code": "00785", "situation_code": "issue", "materials": MATERIALS},
    }.get(kind, {})
    if kind is cmd.EndSpecialProcedure and drv.state.open_stop is not None:
        role = drv.definition.step(drv.state.open_stop.step).role
    if kind is cmd.ReplySupervision and drv.state.current_steps:
        role = drv.definition.step(drv.state.current_steps[0]).role
    if kind is cmd.ReceiveCorrection:
        role = "clerk"
    return args, data.draw(st.sampled_from([role] * 12 + ROLES))


def stop_intervals(events, end: dt.date, corrections_stop: bool) -> list[tuple[dt.date, dt.date]]:
    """Read the clock stops straight off the events, independently of the state fold."""
    stops, open_since = [], {}
    for e in events:
        if e.action is Action.START_SPECIAL_PROCEDURE:
            open_since["special"] = e.day
        elif e.action is Action.REQUEST_CORRECTION and e.status_before is CaseStatus.IN_REVIEW:
            if corrections_stop:
                open_since["correction"] = e.day
        elif e.action is Action.END_SPECIAL_PROCEDURE:
            stops.append((open_since.pop("special"), e.day))
        elif e.action is Action.RECEIVE_CORRECTION and "correction" in open_since:
            stops.append((open_since.pop("correction"), e.day))
        elif e.action in (Action.WITHDRAW, Action.TERMINATE):
            stops += [(start, e.day) for start in open_since.values()]
            open_since.clear()
    return stops + [(start, end) for start in open_since.values()]


def check_statutory_clock(drv: Driver, today: dt.date) -> None:
    accepted = [e for e in drv.events if e.action in (Action.ACCEPT, Action.DEEMED_ACCEPTED_ART32)]
    clock = statutory_clock(drv.state, drv.definition, today, CALENDAR)
    if not accepted:
        assert clock is None
        return
    start = dt.date.fromisoformat(accepted[0].payload["accepted_on"])
    finished = [e.day for e in drv.events if e.action in (Action.GRANT, Action.REFUSE, Action.WITHDRAW,
                                                           Action.TERMINATE)]
    end = finished[0] if finished else today
    budget = 20 + sum(e.payload["days"] for e in drv.events if e.action is Action.EXTEND)
    used = recount.count(start, end, stop_intervals(drv.events, end, drv.definition.correction_stops_clock))
    assert (clock.start, clock.budget, clock.used, clock.remaining) == (start, budget, used, budget - used)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_commands_leave_a_valid_history_and_exact_clocks(data: st.DataObject) -> None:
    definition = with_parallel_review(licence(), BRANCHES, data.draw(st.sampled_from(["all", "any"])))
    drv = Driver(replace(definition, correction_stops_clock=data.draw(st.booleans())))
    day = D(2026, 4, 20) + dt.timedelta(days=data.draw(st.integers(0, 60)))
    drv.receive(day, materials=data.draw(st.sampled_from([MATERIALS, MATERIALS[:1]])))
    n = data.draw(st.sampled_from(range(5, 61)))
    tally(f"commands: {n // 10 * 10}+")
    for _ in range(n):
        day += dt.timedelta(days=data.draw(st.integers(0, 2)))
        kind = choose_kind(data, drv)
        args, role = arguments(data, drv, kind)
        stale = data.draw(SOMETIMES)
        base = cmd.Base(drv.state.version - 1, drv.state.status) if stale else None
        before, count = drv.state, len(drv.events)
        command = drv.command(kind, role, day, **args, **({"base": base} if base else {}))
        try:
            event = drv.run(command)
        except StaleCommand as exc:
            assert stale and exc.current_version == before.version
            assert drv.state is before and len(drv.events) == count
            continue
        except DomainError as exc:
            tally(f"refused: {exc.code}")
            assert drv.state is before and len(drv.events) == count
            continue
        assert not stale, "a stale command was applied"
        if kind is not cmd.DeemAccepted:  # the system's sweep is not offered to users
            offered = available_actions(before, drv.definition, role)
            assert Available(event.action, event.payload.get("step") if event.action in AT_STEP else None) in offered
        assert event.seq == before.version + 1 == drv.state.version
        assert is_allowed_transition(event.action, before.status, event.status_after)
    tally(f"final status: {drv.state.status.value}")  # shown by --hypothesis-show-statistics
    tally(f"events: {len(drv.events) // 10 * 10}+")
    validate_history(drv.events)
    assert replay(drv.events) == drv.state
    check_statutory_clock(drv, day)
    check_statutory_clock(drv, day + dt.timedelta(days=data.draw(st.integers(1, 40))))
