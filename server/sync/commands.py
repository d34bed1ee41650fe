"""Generic commands every domain builds on: insert-only facts, versioned entities (stale-base rejection) and
numbers issued from leased blocks: the "sync" domain (server/domain.py). The queue and approval domains add
their own specs beside these."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from server.devices import health
from server.sync.leases import leased_block
from server.sync.models import IssuedNumber, SyncEntity, SyncFact
from server.sync.registry import CommandContext, CommandSpec, Registry, Rejected
from shared.protocol import device_health, sync_rows
from shared.protocol.base import free_json
from shared.protocol.sync import DAY_PATTERN, UUID_PATTERN

FreeJson = Annotated[dict[str, Any], AfterValidator(free_json)]
WORKSTATION = frozenset({"workstation"})
ISSUERS = frozenset({"dispenser", "workstation"})
ANY_WRITER = frozenset({"workstation", "dispenser", "evaluator"})
# Facts only: the display and the hall controller report their devices' health and nothing else.
FACT_WRITERS = ANY_WRITER | {"display", "controller"}
# The fact kinds each device kind may record (least privilege): a workstation any (its staff record what the
# hall needs); a kiosk, display or controller only its own health (ratings and tickets have commands of their
# own). A kind not named here records nothing.
FACT_KINDS: dict[str, frozenset[str] | None] = {
    "workstation": None, "dispenser": device_health.HEALTH_KINDS, "evaluator": device_health.HEALTH_KINDS,
    "display": device_health.HEALTH_KINDS, "controller": device_health.HEALTH_KINDS}


class Args(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class FactArgs(Args):
    fact_id: str = Field(pattern=UUID_PATTERN)
    kind: str = Field(min_length=1, max_length=40)
    body: FreeJson


class EntityCreateArgs(Args):
    entity_id: str = Field(pattern=UUID_PATTERN)
    kind: str = Field(min_length=1, max_length=40)
    state: str = Field(min_length=1, max_length=40)
    data: FreeJson


class EntityUpdateArgs(Args):
    entity_id: str = Field(pattern=UUID_PATTERN)
    state: str | None = Field(default=None, min_length=1, max_length=40)
    data: FreeJson = Field(default_factory=dict)  # merged into the entity's data


class NumberArgs(Args):
    number_id: str = Field(pattern=UUID_PATTERN)
    series: str = Field(min_length=1, max_length=20)
    prefix: str = Field(min_length=1, max_length=2)
    day: str = Field(pattern=DAY_PATTERN)
    number: int | None = Field(default=None, ge=1)  # None: a device-suffixed fallback number
    display: str = Field(min_length=1, max_length=20)
    block_id: int | None = None
    ref: str = Field(default="", max_length=80)


def fact_row(f: SyncFact) -> dict:  # the same keys record_fact publishes
    return {"id": f.id, "hall_id": f.hall_id, "kind": f.kind, "body": f.body, "device_id": f.device_id, "hlc": f.hlc}


def entity_row(e: SyncEntity) -> dict:
    return {"id": e.id, "hall_id": e.hall_id, "kind": e.kind, "version": e.version, "state": e.state,
            "data": e.data, "updated_by": e.updated_by, "updated_hlc": e.updated_hlc}


def number_row(n: IssuedNumber) -> dict:
    return sync_rows.number_row(number_id=n.id, hall_id=n.hall_id, series=n.series, prefix=n.prefix, day=n.day,
                                number=n.number, display=n.display, block_id=n.block_id, device_id=n.device_id,
                                ref=n.ref, hlc=n.hlc)


_FACTS = SyncFact.__table__
_FACTS_BY_ID = select(_FACTS).where(_FACTS.c.id.in_(bindparam("ids", expanding=True)))  # built once, not per push


def prepare_facts(session: Session, batch: list[FactArgs]) -> dict[str, dict]:
    """One query for every fact id of the push; the handler adds the facts it accepts."""
    ids = list({a.fact_id for a in batch})
    rows = session.connection().execute(_FACTS_BY_ID, {"ids": ids}) if ids else []
    return {r.id: dict(r._mapping) for r in rows}


def record_fact(session: Session, ctx: CommandContext, args: FactArgs, base: dict | None) -> dict:
    """Facts are most of all traffic: looked up in one query per push, inserted in one statement per push
    (no savepoint needed: nothing is written before the only rejection)."""
    allowed = FACT_KINDS.get(ctx.device.kind, frozenset())
    if allowed is not None and args.kind not in allowed:
        raise Rejected("fact_kind_not_allowed", "本设备不能记录此类记录（fact kind not allowed for this device kind）",
                       status=403, kind=args.kind, device_kind=ctx.device.kind)
    known = ctx.prepared if ctx.prepared is not None else prepare_facts(session, [args])
    existing = known.get(args.fact_id)
    if existing is not None:
        same = (existing["hall_id"], existing["kind"], existing["body"]) == (ctx.device.hall_id, args.kind, args.body)
        if same:
            return {"fact_id": args.fact_id, "duplicate": True}  # the same fact sent again by another command
        raise Rejected("fact_id_conflict", "该记录编号已被另一条不同的记录使用（fact id reused）", fact_id=args.fact_id)
    row = {"id": args.fact_id, "hall_id": ctx.device.hall_id, "kind": args.kind, "body": args.body,
           "device_id": ctx.device.device_id, "hlc": ctx.hlc}
    ctx.insert_later(_FACTS, row)
    known[args.fact_id] = row
    ctx.publish("sync_fact", args.fact_id, row)
    if args.kind in device_health.HEALTH_KINDS:
        health.record(session, ctx, args.kind, args.body)
    return {"fact_id": args.fact_id}


def create_entity(session: Session, ctx: CommandContext, args: EntityCreateArgs, base: dict | None) -> dict:
    if session.get(SyncEntity, args.entity_id) is not None:
        raise Rejected("entity_exists", "该对象已存在（entity already exists）", entity_id=args.entity_id)
    entity = SyncEntity(id=args.entity_id, hall_id=ctx.device.hall_id, kind=args.kind, version=1, state=args.state,
                        data=args.data, updated_by=ctx.device.device_id, updated_hlc=ctx.hlc)
    session.add(entity)
    ctx.publish("sync_entity", entity.id, entity_row(entity))
    return {"entity_id": entity.id, "version": 1}


class EntityDeleteArgs(Args):
    entity_id: str = Field(pattern=UUID_PATTERN)


def _current(session: Session, ctx: CommandContext, entity_id: str, base: dict | None) -> SyncEntity:
    """The entity the command's base names, still at that version (and state), or Rejected."""
    entity = session.get(SyncEntity, entity_id)
    if entity is None:
        raise Rejected("entity_unknown", "对象不存在（no such entity）", status=404, entity_id=entity_id)
    if entity.hall_id != ctx.device.hall_id:
        raise Rejected("wrong_hall", "该对象属于其他大厅（entity of another hall）", status=403)
    if not isinstance(base, dict) or not isinstance(base.get("expected_version"), int):
        raise Rejected("base_required", "缺少版本依据（base.expected_version is required）", status=422)
    from_state = base.get("from_state")
    if entity.version != base["expected_version"] or (from_state is not None and from_state != entity.state):
        raise Rejected("stale_base", "对象已被他人修改，请刷新后重试（entity changed since the command's base）",
                       current_version=entity.version, current_state=entity.state, changed_by=entity.updated_by,
                       changed_hlc=entity.updated_hlc)
    return entity


def update_entity(session: Session, ctx: CommandContext, args: EntityUpdateArgs, base: dict | None) -> dict:
    """Applied only if the base still matches: {expected_version, from_state?}. Never last-write-wins."""
    entity = _current(session, ctx, args.entity_id, base)
    entity.version += 1
    if args.state is not None:
        entity.state = args.state
    entity.data = {**entity.data, **args.data}
    entity.updated_by, entity.updated_hlc = ctx.device.device_id, ctx.hlc
    ctx.publish("sync_entity", entity.id, entity_row(entity))
    return {"entity_id": entity.id, "version": entity.version}


def delete_entity(session: Session, ctx: CommandContext, args: EntityDeleteArgs, base: dict | None) -> dict:
    """A delete on a matching base; clients learn it from a tombstone in the change log."""
    entity = _current(session, ctx, args.entity_id, base)
    session.delete(entity)
    ctx.publish("sync_entity", entity.id, None)
    return {"entity_id": entity.id, "deleted": True}


def issue_number(session: Session, ctx: CommandContext, args: NumberArgs, base: dict | None) -> dict:
    """A number issued offline from the device's lease (or its fallback). Unique per series and day."""
    existing = session.get(IssuedNumber, args.number_id)
    if existing is not None:
        if existing.display == args.display and existing.device_id == ctx.device.device_id:
            return {"number_id": existing.id, "duplicate": True}
        raise Rejected("number_id_conflict", "号码记录编号重复（number id reused）")
    fallback = args.number is None
    if fallback:
        if not args.display.startswith(f"{args.prefix}-"):
            raise Rejected("fallback_format", "备用号码格式有误（fallback numbers read <prefix>-<device>-<n>）",
                           status=422)
    else:
        if leased_block(session, ctx.device, args.series, args.prefix, args.day, args.block_id, args.number) is None:
            raise Rejected("number_outside_lease", "号码不在本设备的号段内（number outside the device's lease）",
                           number=args.number, block_id=args.block_id)
    taken = session.scalar(select(IssuedNumber.id).where(
        IssuedNumber.series == args.series, IssuedNumber.hall_id == ctx.device.hall_id,
        IssuedNumber.prefix == args.prefix, IssuedNumber.day == args.day, IssuedNumber.display == args.display))
    if taken is not None:
        raise Rejected("number_taken", "该号码已发出（number already issued）", display=args.display)
    issued = IssuedNumber(id=args.number_id, series=args.series, hall_id=ctx.device.hall_id, prefix=args.prefix,
                          day=args.day, number=args.number, display=args.display, block_id=args.block_id,
                          device_id=ctx.device.device_id, fallback=fallback, ref=args.ref, hlc=ctx.hlc)
    session.add(issued)
    ctx.publish("issued_number", issued.id, number_row(issued))
    return {"number_id": issued.id, **({"alarm": "fallback_number"} if fallback else {})}


def register_generic(registry: Registry) -> None:
    registry.register(CommandSpec("fact.record", 1, FactArgs, record_fact, kinds=FACT_WRITERS,
                                  savepoint="none", prepare=prepare_facts))
    registry.register(CommandSpec("entity.create", 1, EntityCreateArgs, create_entity, kinds=WORKSTATION))
    registry.register(CommandSpec("entity.update", 1, EntityUpdateArgs, update_entity, kinds=WORKSTATION))
    registry.register(CommandSpec("entity.delete", 1, EntityDeleteArgs, delete_entity, kinds=WORKSTATION))
    registry.register(CommandSpec("number.issue", 1, NumberArgs, issue_number, kinds=ISSUERS))
