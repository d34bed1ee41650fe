"""The decider: `decide(state, command, ...)` returns the new events, or raises a typed error.

Pure and deterministic: the time comes in the command, the definitions and the working-day calendar are
arguments, event ids derive from the command id. The server, an offline client and a simulation all call
this same function."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shared.approval import commands as cmd
from shared.approval import intake, outcome, review, supervision
from shared.approval.errors import ActionNotAllowed, InvalidCommand, StaleCommand, UnknownCase
from shared.approval.events import Event, event_id_for, local_day
from shared.approval.guards import Context, Draft
from shared.approval.lifecycle import TERMINAL, is_allowed_transition
from shared.approval.registry import DefinitionCatalogue
from shared.approval.state import CaseState, evolve
from shared.calendar import WorkCalendar

Handler = Callable[[Any, Any, Context], Draft]

HANDLERS: dict[type[cmd.Command], Handler] = {
    cmd.Receive: intake.receive,
    cmd.PreAccept: intake.pre_accept,
    cmd.RequestCorrection: intake.request_correction,
    cmd.ReceiveCorrection: intake.receive_correction,
    cmd.Accept: intake.accept,
    cmd.DeemAccepted: intake.deem_accepted,
    cmd.RejectApplication: intake.reject_application,
    cmd.PassStep: review.pass_step,
    cmd.ReturnToStep: review.return_to_step,
    cmd.StartSpecialProcedure: review.start_special_procedure,
    cmd.EndSpecialProcedure: review.end_special_procedure,
    cmd.Extend: review.extend,
    cmd.Grant: review.grant,
    cmd.Refuse: review.refuse,
    cmd.MakeLicence: outcome.make_licence,
    cmd.IssueLicence: outcome.issue_licence,
    cmd.Close: outcome.close,
    cmd.Deliver: outcome.deliver,
    cmd.ServeNotice: outcome.serve_notice,
    cmd.Withdraw: outcome.withdraw,
    cmd.Terminate: outcome.terminate,
    cmd.Urge: supervision.urge,
    cmd.Supervise: supervision.supervise,
    cmd.ReplySupervision: supervision.reply_supervision,
    cmd.MarkUrgent: supervision.mark_urgent,
}


def check_base(state: CaseState | None, command: cmd.Command) -> None:
    """SYNC.md: a command applies only when the version and status its author saw are still current."""
    version = state.version if state else 0
    status = state.status if state else None
    if (command.base.expected_version, command.base.from_state) != (version, status):
        raise StaleCommand(
            case_id=command.case_id, expected_version=command.base.expected_version,
            expected_status=command.base.from_state.value if command.base.from_state else None,
            current_version=version, current_status=status.value if status else None,
            changed_by=state.last_actor.user_id if state and state.last_actor else None,
            changed_by_role=state.last_actor.role if state and state.last_actor else None,
            changed_at=state.last_at if state else None)


def decide(state: CaseState | None, command: cmd.Command, definitions: DefinitionCatalogue,
           calendar: WorkCalendar) -> tuple[Event, ...]:
    if command.at.tzinfo is None:
        raise InvalidCommand("naive_time", "command times must carry a time zone")
    check_base(state, command)
    if state is None:
        if not isinstance(command, cmd.Receive):
            raise UnknownCase(f"case {command.case_id} does not exist", case_id=command.case_id)
        definition = definitions.latest(command.item_code, command.situation_code)
    else:
        if state.case_id != command.case_id:
            raise InvalidCommand("wrong_case", "the command is for another case", case_id=command.case_id)
        if isinstance(command, cmd.Receive):
            raise ActionNotAllowed("receive", "the case already exists", code="case_exists")
        if state.status in TERMINAL and not isinstance(command, cmd.ServeNotice):
            raise ActionNotAllowed(type(command).__name__, f"the case is {state.status.value}",
                                   code="case_finished", status=state.status.value)
        if state.last_at is not None and local_day(command.at) < local_day(state.last_at):
            raise InvalidCommand("time_before_last_event", "the command is dated before the case's last event")
        definition = definitions.get(state.item_code, state.situation_code, state.definition_version)
    handler = HANDLERS.get(type(command))
    if handler is None:
        raise InvalidCommand("unknown_command", f"no handler for {type(command).__name__}")
    draft = handler(state, command, Context(definition, calendar))
    before = state.status if state else None
    # The handlers check status; this keeps the lifecycle table the single authority on transitions.
    if not is_allowed_transition(draft.action, before, draft.status_after):
        raise RuntimeError(f"handler bug: {draft.action.value} from {before} to {draft.status_after}")
    version = state.version if state else 0
    return (Event(
        event_id=event_id_for(command.command_id, 0), case_id=command.case_id, seq=version + 1,
        action=draft.action, actor=command.actor, device=command.device, at=command.at,
        day=local_day(command.at), command_id=command.command_id, status_before=before,
        status_after=draft.status_after, steps_after=tuple(draft.steps_after), opinion=command.opinion.strip(),
        attachments=tuple(command.attachments), payload=dict(draft.payload), personal=dict(draft.personal)),)


def execute(state: CaseState | None, command: cmd.Command, definitions: DefinitionCatalogue,
            calendar: WorkCalendar) -> tuple[CaseState, tuple[Event, ...]]:
    """decide, then fold the new events into the state."""
    events = decide(state, command, definitions, calendar)
    for event in events:
        state = evolve(state, event)
    assert state is not None
    return state, events
