"""Sync command handlers for `approval.<command>`: the wire args become a shared.approval command with the
actor taken from the device's staff login, the pure decider decides, and the server appends the events,
updates the projection and publishes the case and its new events. Every refusal is a Rejected with the
engine's code (the CommandSpec maps the engine's errors and its savepoint undoes any partial write)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.approval import cache, command_log, definitions, intake, signing_keys
from server.approval.case_notices import notify_case_events
from server.approval.actors import actor_for
from server.approval.errors import rejected_from
from server.approval.models import ApprovalCase
from server.approval.published import seal_published
from server.approval.store import append, case_row, project, state_of
from server.licences import store as licence_store
from server.sync.registry import CommandContext, CommandSpec, Handler, Registry, Rejected
from shared.approval.decider import execute
from shared.approval.definition import WorkflowDefinition
from shared.approval.events import Event, local_day
from shared.approval.lifecycle import Action, CaseStatus
from shared.approval.rows import step_roles
from shared.approval.serialization import COMMANDS, command_from_dict, event_to_dict
from shared.approval.state import CaseState
from shared.calendar import WorkCalendar
from shared.protocol import approval as wire

ACTIONS = {name: Action.DEEMED_ACCEPTED_ART32 if name == "deem_accepted" else Action(name)
           for name in COMMANDS}


def _base(base: dict | None, state: CaseState | None, annotation: bool, case_id: str) -> dict:
    if annotation and state is not None:  # annotations do not care which version their author saw
        return {"case": case_id, "expected_version": state.version, "from_state": state.status.value}
    try:
        parsed = wire.Base.model_validate(base or {})
        if parsed.from_state is not None:
            CaseStatus(parsed.from_state)
    except ValueError:
        raise Rejected("base_required", "缺少或无法识别办件版本依据（base {case, expected_version, from_state}）",
                       status=422) from None
    if parsed.case != case_id:
        raise Rejected("wrong_case", "操作与办件不符（base names another case）", status=422)
    return parsed.model_dump()


def _locked_case(session: Session, ctx: CommandContext, case_id: str) -> ApprovalCase:
    # FOR UPDATE serialises commands on one case across concurrent pushes (PostgreSQL).
    stmt = select(ApprovalCase).where(ApprovalCase.id == case_id).with_for_update()
    case = session.scalars(stmt).one_or_none()
    if case is None:
        raise Rejected("unknown_case", "办件不存在（no such case）", status=404, case_id=case_id)
    if case.hall_id != ctx.device.hall_id:
        raise Rejected("wrong_hall", "该办件属于其他大厅（case of another hall）", status=403)
    return case


def publish(ctx: CommandContext, case: ApprovalCase, state: CaseState, events: tuple[Event, ...],
            definition: WorkflowDefinition, calendar: WorkCalendar, roles_before: list[str]) -> None:
    """To the hall scope and to each role scope that held or now holds the case (so a worklist drops it)."""
    hall = ctx.device.hall_id
    roles = sorted(set(roles_before) | set(step_roles(state, definition)))
    scopes = [None] + [f"role:{hall}:{r}" for r in roles]
    # The change log keeps the applicant's name sealed; the pull opens it for workstations (published.py).
    row = seal_published("approval_case", case.id,
                         case_row(case, state, definition, local_day(events[-1].at), calendar), intake.keys_or_reject())
    for scope in scopes:
        for e in events:
            ctx.publish("approval_event", e.event_id, event_to_dict(e), scope=scope)
        ctx.publish("approval_case", case.id, row, scope=scope)


def make_handler(name: str) -> Handler:
    short = name.removeprefix(wire.PREFIX)
    action, annotation = ACTIONS[short], name in wire.ANNOTATIONS

    def handle(session: Session, ctx: CommandContext, args: wire.CommandArgs, base: dict | None) -> dict:
        data = args.model_dump(mode="json", exclude_unset=True)
        data["device"] = ctx.device.device_id  # the token's device, not the body's
        calendar = cache.calendar(session)
        if short == "receive":
            new_base = _base(base, None, False, args.case_id)
            return intake.receive(session, ctx, args, new_base, calendar, publish)
        case = _locked_case(session, ctx, args.case_id)
        state = state_of(session, case.id)
        catalogue = definitions.catalogue_for(session, case.item_code, case.situation_code)
        definition = catalogue.get(case.item_code, case.situation_code, case.definition_version)
        actor = actor_for(ctx, state, action, None, definition)
        if short == "make_licence" and not data.get("licence_no"):  # numbered by the item's rule (证照库)
            data["licence_no"] = (licence_store.number_of(session, case.licence_id) if case.licence_id else
                                  licence_store.next_number(session, case.item_code, local_day(args.at)))
        command = command_from_dict({"name": short, "args": data,
                                     "base": _base(base, state, annotation, case.id),
                                     "actor": {"user_id": actor.user_id, "role": actor.role}})
        roles_before = step_roles(state, definition)
        new_state, events = execute(state, command, catalogue, calendar)
        if short == "serve_notice":  # the signature's key speaks for this workstation only
            signing_keys.bind_key(session, ctx.device.device_id, command.signer_key, ctx.now)
        if short == "accept":
            case.mismatches = intake.compare_applicant(session, case)
        append(session, events, intake.keys_or_reject())
        project(case, new_state)
        if short == "make_licence" and case.licence_id:  # 延续/变更: the named licence gets its successor
            made = events[-1]
            licence_store.apply_case(session, case, made.payload["licence_no"], made.day, actor.user_id,
                                     intake.keys_or_reject(), made.at)
        elif short == "make_licence":  # typed or numbered, 制证 makes the licence record
            made = events[-1]
            licence_store.record_from_case(session, case, made.payload["licence_no"], made.day, actor.user_id,
                                           intake.keys_or_reject(), made.at)
        publish(ctx, case, new_state, events, definition, calendar, roles_before)
        notify_case_events(session, ctx, case, events, definition, intake.keys_or_reject(), state.current_steps)
        return {"case_id": case.id, "version": new_state.version, "status": new_state.status.value,
                "event_ids": [e.event_id for e in events]}

    return handle


def spec(name: str) -> CommandSpec:
    """An approval command, version 1, from workstations (the staff login gives the actor); the engine's
    errors become rejections through server.approval.errors."""
    return CommandSpec(name, wire.VERSION, wire.COMMANDS[name], make_handler(name), kinds={"workstation"},
                       savepoint="orm", rejection=rejected_from, logged_args=command_log.logger_for(name))


def register(registry: Registry) -> None:
    for name in wire.COMMANDS:
        registry.register(spec(name))
