"""Cases on this workstation: read a case (its events replayed into shared.approval's CaseState), and act on
it. Acting runs the same decider the server runs, so the clerk sees the result at once, offline too; the
command goes out as `approval.<name>` v1 (args and base from command_to_dict) with the new events and the
case row as optimistic effects. A stale base is refused here already when the cache knows newer events, and
by the server otherwise (rejection `stale_command`, shown with who changed the case and when)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from client.services.rowsql import RowSql
from shared.approval import commands as cmd
from shared.approval.available import Available, available_actions
from shared.approval.decider import execute
from shared.approval.definition import WorkflowDefinition
from shared.approval.events import Actor, Event, local_day
from shared.approval.lifecycle import Action
from shared.approval.registry import DefinitionCatalogue
from shared.approval.rows import case_row
from shared.approval.serialization import command_to_dict, event_from_dict, event_to_dict
from shared.approval.state import CaseState, replay
from shared.approval.views import CaseView, view_case
from shared.calendar import WorkCalendar
from shared.sync.client import SyncClient

VERSION = 1
SUPERVISION = frozenset({Action.URGE, Action.SUPERVISE, Action.MARK_URGENT})


@dataclass(frozen=True)
class CaseDetail:
    row: dict
    state: CaseState
    definition: WorkflowDefinition
    view: CaseView
    events: tuple[Event, ...]
    actions: tuple[tuple[Available, str], ...]  # (what I may do, the step role I do it as)


class CaseStore:
    def __init__(self, sync: SyncClient, definitions: DefinitionCatalogue, calendar: WorkCalendar,
                 clock: Callable[[], dt.datetime], user: str, staff_roles: tuple[str, ...]) -> None:
        self.sync, self.definitions, self.calendar, self.clock = sync, definitions, calendar, clock
        self.user, self.roles = user, tuple(staff_roles)
        # 催办/督办 are done from the supervision desk: an approver acting as the deciding head does not get them.
        self.supervises = bool({"supervisor", "admin"} & set(staff_roles))
        self.sql = RowSql(sync.engine)

    def today(self) -> dt.date:
        return local_day(self.clock())

    def events(self, case_id: str) -> tuple[Event, ...]:
        return tuple(event_from_dict(r) for r in self.sql.case_events(case_id))

    def detail(self, case_id: str) -> CaseDetail:
        row = self.sql.by_pks("approval_case", [case_id]).get(case_id, {})
        events = self.events(case_id)
        state = replay(events)
        if state is None:
            raise KeyError(case_id)
        definition = self.definitions.get(state.item_code, state.situation_code, state.definition_version)
        actions = tuple((a, role) for role in self.roles for a in available_actions(state, definition, role)
                        if a.action not in SUPERVISION or self.supervises)
        return CaseDetail(row, state, definition, view_case(state, definition, self.today(), self.calendar),
                          events, actions)

    def act(self, command: cmd.Command, *, case_fields: dict | None = None, wire_extras: dict | None = None,
            conn=None) -> CaseState:  # noqa: ANN001
        """Decide locally, then queue the command with the new events and the case row (one transaction).
        `wire_extras`: what `approval.receive` carries beyond the domain command (RECEIVE_EXTRAS)."""
        events = self.events(command.case_id)
        state = replay(events)
        new_state, new_events = execute(state, command, self.definitions, self.calendar)
        definition = self.definitions.get(new_state.item_code, new_state.situation_code,
                                          new_state.definition_version)
        previous = self.sql.by_pks("approval_case", [command.case_id]).get(command.case_id, {})
        row = case_row(new_state, definition, self.calendar, self.today(), {**previous, **(case_fields or {})})
        wire = command_to_dict(command)
        effects = [("approval_event", e.event_id, event_to_dict(e)) for e in new_events]
        effects.append(("approval_case", command.case_id, row))
        self.sync.submit(f"approval.{wire['name']}", VERSION, {**wire["args"], **(wire_extras or {})},
                         base=wire["base"], effects=effects, conn=conn)
        return new_state

    def actor(self, role: str) -> Actor:
        return Actor(self.user, role)

    def base(self, state: CaseState | None) -> cmd.Base:
        return cmd.Base(state.version, state.status) if state else cmd.Base.new_case()
