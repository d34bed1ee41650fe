"""`approval.receive` on the server: what the pure engine cannot check — the catalogue, the case number
against the device's lease, the applicant's identity (validated, sealed, indexed, compared with the
registers) and the submitted files — then the engine's Receive."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.approval import definitions
from server.approval.actors import actor_for
from server.approval.comparison import compare
from server.approval.identity import KIND_OF, normalise_identity, pii_keys, protect_identity, reveal_identity
from server.approval.models import ApprovalCase, ApprovalMaterial
from server.approval.store import append, project
from server.licences.store import LicenceError, licence_for_application
from server.sync.leases import leased_block
from server.sync.registry import CommandContext, Rejected
from shared.approval.decider import execute
from shared.approval.events import local_day
from shared.approval.personal import PHONE
from shared.approval.serialization import command_from_dict
from shared.calendar import WorkCalendar
from shared.crypto.keys import KeyProvider
from shared.db.models.catalogue import ServiceItem, Situation
from shared.protocol import approval as wire
from shared.validation import InvalidIdentifier


def keys_or_reject() -> KeyProvider:
    return pii_keys()  # KeyUnavailable is a DomainError: the handler turns it into a rejection


def _catalogue(session: Session, args: wire.ReceiveArgs) -> Situation:
    item = session.scalars(select(ServiceItem).where(ServiceItem.code == args.item_code)).one_or_none()
    if item is None:
        raise Rejected("unknown_item", "事项不存在（no such item）", status=422, item_code=args.item_code)
    situation = next((s for s in item.situations if s.code == args.situation_code), None)
    if situation is None:
        raise Rejected("unknown_situation", "该事项没有此情形（no such situation for the item）", status=422,
                       item_code=args.item_code, situation_code=args.situation_code)
    if args.sub_item_code and args.sub_item_code not in {s.code for s in item.sub_items}:
        raise Rejected("unknown_sub_item", "该事项没有此子项（no such sub-item）", status=422,
                       sub_item_code=args.sub_item_code)
    return situation


def check_case_number(session: Session, ctx: CommandContext, args: wire.ReceiveArgs, year: int) -> str | None:
    """Like tickets: a leased number must lie in a block of this device for series "case", this hall, the
    office prefix and the year; a device-suffixed fallback is accepted with an alarm."""
    if args.number is None:
        if not args.case_number.startswith(f"{args.series_prefix}{year}-"):
            raise Rejected("fallback_format", "备用办件编号格式有误（fallback case numbers read <prefix><year>-…）",
                           status=422, case_number=args.case_number)
        alarm = "fallback_case_number"
    else:
        if leased_block(session, ctx.device, wire.CASE_SERIES, args.series_prefix, wire.series_day(year),
                        args.block_id, args.number) is None:
            raise Rejected("number_outside_lease", "办件编号不在本设备的号段内（case number outside the device's lease）",
                           number=args.number, block_id=args.block_id)
        if args.case_number != wire.case_display(args.series_prefix, year, args.number):
            raise Rejected("case_number_mismatch", "办件编号与号码不符（case number does not match the leased number）",
                           status=422, expected=wire.case_display(args.series_prefix, year, args.number))
        alarm = None
    taken = session.scalar(select(ApprovalCase.id).where(ApprovalCase.case_number == args.case_number))
    if taken is not None:
        raise Rejected("case_number_taken", "该办件编号已使用（case number already used）",
                       case_number=args.case_number)
    return alarm


def _materials(situation: Situation, args: wire.ReceiveArgs) -> list[str]:
    known = {m.name for m in situation.materials}
    named = list(dict.fromkeys([*args.materials, *(f.material for f in args.files)]))
    unknown = [m for m in named if m not in known]
    if unknown:
        raise Rejected("unknown_material", "材料不属于该情形（material not listed for the situation）", status=422,
                       materials=unknown)
    return named


def compare_applicant(session: Session, case: ApprovalCase) -> list[dict]:
    keys = keys_or_reject()
    kind = KIND_OF[case.applicant_kind]
    clear = reveal_identity(kind, case.applicant_id_sealed, keys, f"case:{case.id}:applicant_id")
    return compare(session, kind, clear, case.applicant_name, keys)


LICENCE_REFUSALS = {
    "licence_number_required": "延续、变更申请须填写原证照编号",
    "licence_number_unknown": "本大厅没有该编号的有效证照",
    "licence_other_item": "该证照不属于所申请的事项",
    "licence_not_valid": "该证照已注销、已过期或已换发，不能延续或变更",
    "licence_other_holder": "申请人不是该证照的持证人（证件号码不符）",
}


def _licence_named(session: Session, ctx: CommandContext, args: wire.ReceiveArgs, holder_key: str) -> str:
    """延续/变更: the licence the application names, checked online here (the counter may be offline, and only
    the server knows every licence and whether it is still in force); refused with its own code."""
    try:
        return licence_for_application(session, ctx.device.hall_id, args.item_code, args.licence_no, holder_key,
                                       local_day(args.at)).id
    except LicenceError as exc:
        raise Rejected(exc.code, f"{LICENCE_REFUSALS.get(exc.code, '证照不符')}（{exc.message}）", status=422,
                       **exc.details) from None


def receive(session: Session, ctx: CommandContext, args: wire.ReceiveArgs, base: dict, calendar: WorkCalendar,
            publish: Callable) -> dict:
    situation = _catalogue(session, args)
    year = local_day(args.at).year
    alarm = check_case_number(session, ctx, args, year)
    keys = keys_or_reject()
    if session.get(ApprovalCase, args.case_id) is not None:
        raise Rejected("case_exists", "办件已存在（case already exists）", case_id=args.case_id)
    kind = KIND_OF[args.applicant_kind]
    try:
        ident = protect_identity(kind, args.applicant_id, keys, f"case:{args.case_id}:applicant_id")
        phone = protect_identity(PHONE, args.applicant_phone, keys, f"case:{args.case_id}:phone") \
            if args.applicant_phone else None
    except InvalidIdentifier as exc:
        raise Rejected("invalid_applicant_id", "证件号码无效（invalid ID number or USCC）", status=422,
                       kind=exc.kind, reason=exc.code) from None
    materials = _materials(situation, args)
    licence_id = _licence_named(session, ctx, args, ident.key) if args.licence_action else None
    definitions.ensure_default(session, args.item_code, args.situation_code, ctx.now)
    catalogue = definitions.catalogue_for(session, args.item_code, args.situation_code)
    definition = catalogue.latest(args.item_code, args.situation_code)
    actor = actor_for(ctx, None, None, definition.intake_step.role, definition)
    data = args.model_dump(mode="json", exclude_unset=True)
    for extra in wire.RECEIVE_EXTRAS:
        data.pop(extra, None)
    data.update(device=ctx.device.device_id, materials=materials)
    command = command_from_dict({"name": "receive", "args": data, "base": base,
                                 "actor": {"user_id": actor.user_id, "role": actor.role}})
    state, events = execute(None, command, catalogue, calendar)
    case = ApprovalCase(
        id=args.case_id, hall_id=ctx.device.hall_id, case_number=args.case_number, item_code=args.item_code,
        sub_item_code=args.sub_item_code, situation_code=args.situation_code,
        definition_version=definition.version, applicant_kind=args.applicant_kind,
        applicant_id_sealed=ident.sealed, applicant_id_masked=ident.masked, applicant_key=ident.key,
        phone_sealed=phone.sealed if phone else None, phone_masked=phone.masked if phone else "",
        department=args.department, town=args.town, channel=args.channel, ticket_id=args.ticket_id,
        received_on=state.received_on, mismatches=[], status=state.status.value, version=0, current_steps=[],
        licence_id=licence_id, licence_action=args.licence_action)
    case.applicant_name = args.applicant_name  # sealed, bound to the case id set above
    project(case, state)
    clear = normalise_identity(kind, args.applicant_id)
    case.mismatches = compare(session, kind, clear, args.applicant_name, keys)
    session.add(case)
    session.flush()  # the case row before its events (foreign key)
    append(session, events, keys)
    for f in args.files:
        session.add(ApprovalMaterial(case_id=case.id, material=f.material, file_name=f.file_name,
                                     sha256=f.sha256, size=f.size, event_seq=1))
    publish(ctx, case, state, events, definition, calendar, [])
    return {"case_id": case.id, "case_number": case.case_number, "version": state.version,
            "status": state.status.value, "event_ids": [e.event_id for e in events],
            "mismatches": case.mismatches, **({"alarm": alarm} if alarm else {})}

