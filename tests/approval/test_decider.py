from __future__ import annotations

import datetime as dt

import pytest

from shared.approval import commands as cmd
from shared.approval.decider import decide
from shared.approval.defaults import with_parallel_review
from shared.approval.errors import ActionNotAllowed, InvalidCommand, StaleCommand, UnknownCase
from shared.approval.events import CHINA_TZ
from shared.approval.history import InvalidHistory, validate_history
from shared.approval.lifecycle import CaseStatus as S
from shared.approval.state import replay

from tests.approval.factory import CALENDAR, D, Driver, at

DAY = D(2026, 6, 1)


def test_stale_base_is_rejected_with_who_changed_it_and_when() -> None:
    drv = Driver().accepted(DAY)
    seen = cmd.Base(drv.state.version, drv.state.status)
    drv.do(cmd.PassStep, "reviewer", DAY, user="li.si", hour=14, step="review", opinion="同意")
    with pytest.raises(StaleCommand) as info:  # a second reviewer, offline, acting on what they saw
        drv.do(cmd.PassStep, "reviewer", DAY, user="zhao.liu", base=seen, step="review", opinion="同意")
    err = info.value
    assert err.code == "stale_command"
    assert (err.current_version, err.current_status, err.changed_by) == (3, S.IN_REVIEW, "li.si")
    assert err.changed_at == at(DAY, 14)
    assert err.to_dict()["details"]["changed_at"] == "2026-06-01T14:00:00+08:00"


def test_same_version_but_other_status_is_stale_too() -> None:
    drv = Driver().accepted(DAY)
    with pytest.raises(StaleCommand):
        drv.do(cmd.PassStep, "reviewer", DAY, base=cmd.Base(drv.state.version, S.RECEIVED), step="review",
               opinion="同意")


def test_deciding_is_pure_and_replays_give_the_same_events_and_state() -> None:
    drv = Driver().accepted(DAY)
    command = drv.command(cmd.PassStep, "reviewer", DAY, step="review", opinion="同意")
    first = decide(drv.state, command, drv.catalogue, CALENDAR)
    assert first == decide(drv.state, command, drv.catalogue, CALENDAR)
    drv.run(command)
    assert replay(drv.events) == drv.state
    assert [e.seq for e in drv.events] == [1, 2, 3]
    validate_history(drv.events)


def test_times_must_be_aware_and_not_before_the_last_event() -> None:
    drv = Driver().accepted(DAY)
    naive = drv.command(cmd.PassStep, "reviewer", DAY, step="review", opinion="同意")
    naive = type(naive)(**{**naive.__dict__, "at": dt.datetime(2026, 6, 1, 10)})
    with pytest.raises(InvalidCommand) as info:
        drv.run(naive)
    assert info.value.code == "naive_time"
    with pytest.raises(InvalidCommand) as info:
        drv.do(cmd.PassStep, "reviewer", D(2026, 5, 29), step="review", opinion="同意")
    assert info.value.code == "time_before_last_event"


def test_local_day_is_china_time() -> None:
    drv = Driver()
    utc_evening = dt.datetime(2026, 5, 31, 17, 30, tzinfo=dt.timezone.utc)  # 01:30 on 06-01 in China
    d = drv.definition
    event = drv.run(cmd.Receive(command_id="r", case_id="K1", base=cmd.Base.new_case(),
                                actor=drv.command(cmd.PreAccept, "clerk", DAY).actor, device="k", at=utc_evening,
                                item_code=d.item_code, situation_code=d.situation_code, materials=()))
    assert event.day == DAY and event.at.astimezone(CHINA_TZ).hour == 1


def test_commands_for_a_missing_or_existing_case() -> None:
    drv = Driver()
    with pytest.raises(UnknownCase):
        drv.do(cmd.Accept, "clerk", DAY)
    drv.receive(DAY)
    with pytest.raises(ActionNotAllowed) as info:
        drv.receive(DAY)
    assert info.value.code == "case_exists"


def test_history_validation_catches_gaps_and_illegal_transitions() -> None:
    drv = Driver().granted(DAY)
    validate_history(drv.events)
    with pytest.raises(InvalidHistory):
        validate_history(drv.events[:2] + drv.events[3:])
    forged = drv.events[:2] + [drv.events[-1].__class__(**{**drv.events[-1].__dict__, "seq": 3})]
    with pytest.raises(InvalidHistory):
        validate_history(forged)  # a grant at "decide" while the case was at "review"


def test_a_case_stays_on_the_definition_version_it_started_on() -> None:
    drv = Driver().accepted(DAY)
    drv.catalogue.add(with_parallel_review(drv.definition, [("fire", "消防", "fire_officer"),
                                                            ("env", "环保", "env_officer")], "all"))
    drv.pass_("review", DAY)
    drv.pass_("verify", DAY)
    assert drv.state.definition_version == 1 and drv.state.current_steps == ("decide",)
    newer = Driver(case_id="K2")
    newer.catalogue = drv.catalogue
    newer.receive(DAY)
    assert newer.state.definition_version == 2
