"""Test helpers: a driver that issues commands with the right base and remembers the history."""

from __future__ import annotations

import datetime as dt
from typing import Any

from shared.approval import commands as cmd
from shared.approval.decider import execute
from shared.approval.defaults import licence_definition
from shared.approval.definition import WorkflowDefinition
from shared.approval.events import CHINA_TZ, Actor, Event
from shared.approval.registry import DefinitionCatalogue
from shared.approval.state import CaseState
from shared.calendar import WorkCalendar

D = dt.date
CALENDAR = WorkCalendar()
MATERIALS = ("申请书", "营业执照副本")


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), CHINA_TZ)


def licence(**kw: Any) -> WorkflowDefinition:
    return licence_definition("00785", "issue", required_materials=MATERIALS, **kw)


class Driver:
    def __init__(self, definition: WorkflowDefinition | None = None, calendar: WorkCalendar = CALENDAR,
                 case_id: str = "K1") -> None:
        self.definition = definition or licence()
        self.catalogue = DefinitionCatalogue([self.definition])
        self.calendar = calendar
        self.case_id = case_id
        self.state: CaseState | None = None
        self.events: list[Event] = []
        self._n = 0

    def command(self, kind: type[cmd.Command], role: str, day: dt.date, *, user: str | None = None,
                hour: int = 10, **kw: Any) -> cmd.Command:
        self._n += 1
        kw.setdefault("base", cmd.Base(self.state.version, self.state.status) if self.state else cmd.Base.new_case())
        return kind(command_id=f"{self.case_id}-{self._n}", case_id=self.case_id, actor=Actor(user or f"{role}-1", role),
                    device="counter-3", at=at(day, hour), **kw)

    def run(self, command: cmd.Command) -> Event:
        self.state, events = execute(self.state, command, self.catalogue, self.calendar)
        self.events.extend(events)
        return events[-1]

    def do(self, kind: type[cmd.Command], role: str, day: dt.date, **kw: Any) -> Event:
        return self.run(self.command(kind, role, day, **kw))

    # --- common paths -------------------------------------------------------------------------------------
    def receive(self, day: dt.date, materials: tuple[str, ...] = MATERIALS, **kw: Any) -> Event:
        d = self.definition
        return self.do(cmd.Receive, "clerk", day, item_code=d.item_code, situation_code=d.situation_code,
                       materials=materials, **kw)

    def accepted(self, day: dt.date) -> Driver:
        self.receive(day)
        self.do(cmd.Accept, "clerk", day)
        return self

    def pass_(self, step: str, day: dt.date, role: str | None = None) -> Event:
        return self.do(cmd.PassStep, role or self.definition.step(step).role, day, step=step, opinion="同意")

    def at_decision(self, day: dt.date) -> Driver:
        """Accepted on `day` and passed through every review step the same day."""
        self.accepted(day)
        decision = self.definition.decision_step.name
        assert self.state is not None
        while self.state.current_steps[0] != decision:
            self.pass_(self.state.current_steps[0], day)
        return self

    def granted(self, day: dt.date) -> Driver:
        self.at_decision(day)
        self.do(cmd.Grant, self.definition.decision_step.role, day, step=self.definition.decision_step.name,
                opinion="准予许可")
        return self
