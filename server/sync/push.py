"""Applying a push: one transaction, a savepoint per command, idempotent by (device, seq) and command id.
A rejected command is recorded and still advances the device's last_seq, so a device is never stuck."""

from __future__ import annotations

import datetime as dt
import logging
import uuid

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from server.sync.changes import ChangeWriter
from server.sync.devices import DeviceContext
from server.sync.errors import SyncError
from server.sync.models import CommandLog, SyncDevice
from server.sync.registry import CommandContext, Registry, Rejected
from shared.protocol.sync import CommandIn, CommandResult

log = logging.getLogger("govhall.sync")
LOG = CommandLog.__table__
DEVICES = SyncDevice.__table__


class PushError(SyncError):
    """The whole push is refused and nothing of it is applied."""


_LOCK_DEVICE = (select(DEVICES.c.last_seq).where(DEVICES.c.device_id == bindparam("device_id"))
                .with_for_update())  # built once: every push runs it
# Built once too: building and keying a statement cost more than running it on SQLite.
_KNOWN_IDS = select(LOG.c.command_id).where(LOG.c.command_id.in_(bindparam("ids", expanding=True)))
_INSERT_LOG = insert(LOG)
_ADVANCE = (update(DEVICES).where(DEVICES.c.device_id == bindparam("device"))
            .values(last_seq=bindparam("seq"), last_seen_at=bindparam("seen")))


def lock_device(session: Session, device_id: str) -> int:
    """The device's last seq, its row locked: two pushes of one device queue (SQLite: BEGIN IMMEDIATE)."""
    return session.connection().execute(_LOCK_DEVICE, {"device_id": device_id}).scalar_one()


def apply_push(session: Session, registry: Registry, device: DeviceContext, commands: list[CommandIn],
               now: dt.datetime) -> tuple[int, list[CommandResult], int]:
    """Returns (last_seq, results, highest cursor published). Raises PushError for a gap or a reused seq."""
    last_seq = lock_device(session, device.device_id)
    writer = ChangeWriter(session, device.hall_id, now) if any(c.seq > last_seq for c in commands) else None
    ids = [c.command_id for c in commands]
    # Core statements on the session's connection throughout: the push's own tables need none of the ORM's
    # per-statement work (handlers' ORM writes are flushed by their savepoints, the rest at commit).
    run = session.connection().execute
    known_ids = set(run(_KNOWN_IDS, {"ids": ids}).scalars()) if ids else set()
    plans = _plan(session, registry, device, [c for c in commands if c.seq > last_seq])
    entries: dict[int, dict] = {}  # this push's new log rows by seq
    results: list[CommandResult] = []
    for cmd in commands:
        if cmd.seq <= last_seq:
            results.append(_replay(session, device.device_id, cmd, entries))
            continue
        if cmd.seq != last_seq + 1:
            raise PushError(409, "seq_gap", f"命令序号不连续（expected seq {last_seq + 1}, got {cmd.seq}）",
                            expected=last_seq + 1, got=cmd.seq)
        entry = _apply_one(session, plans[cmd.seq], device, cmd, now, writer, cmd.command_id in known_ids)
        known_ids.add(cmd.command_id)
        entries[cmd.seq] = entry
        last_seq = cmd.seq
        results.append(result_of(entry))
    published = 0
    if entries:
        published = writer.finish()
        run(_INSERT_LOG, list(entries.values()))
        run(_ADVANCE, {"device": device.device_id, "seq": last_seq, "seen": now})
    return last_seq, results, published


def _replay(session: Session, device_id: str, cmd: CommandIn, entries: dict[int, dict]) -> CommandResult:
    stored = entries.get(cmd.seq)  # the same seq earlier in this very batch
    if stored is None:
        row = session.execute(select(LOG).where(LOG.c.device_id == device_id, LOG.c.seq == cmd.seq)).one()
        stored = dict(row._mapping)
    if sent_id(stored) != cmd.command_id:
        raise PushError(409, "seq_reused", f"序号 {cmd.seq} 已用于另一条命令（seq already used by another command）",
                        seq=cmd.seq, stored_command_id=stored["command_id"])
    return result_of(stored, replayed=True)


class Plan:
    """A command resolved and parsed ahead of the loop, so that specs can batch-load for the whole push."""
    __slots__ = ("spec", "args", "refusal", "prepared", "logged")

    def __init__(self, spec=None, args=None, refusal: Rejected | None = None) -> None:  # noqa: ANN001
        self.spec, self.args, self.refusal, self.prepared, self.logged = spec, args, refusal, None, None


def _plan(session: Session, registry: Registry, device: DeviceContext, commands: list[CommandIn]) -> dict[int, Plan]:
    plans: dict[int, Plan] = {}
    for cmd in commands:
        try:
            spec = registry.resolve(cmd.name, cmd.version, device)
            plans[cmd.seq] = Plan(spec, registry.parse_args(spec, cmd.args))
        except Rejected as exc:
            plans[cmd.seq] = Plan(refusal=exc)
        plans[cmd.seq].logged = registry.logged_args(cmd.name)
    by_spec: dict[object, list[Plan]] = {}
    for plan in plans.values():
        if plan.spec is not None and plan.spec.prepare is not None:
            by_spec.setdefault(plan.spec, []).append(plan)
    for spec, group in by_spec.items():
        prepared = spec.prepare(session, [p.args for p in group])
        for plan in group:
            plan.prepared = prepared
    return plans


def _apply_one(session: Session, plan: Plan, device: DeviceContext, cmd: CommandIn, now: dt.datetime,
               writer: ChangeWriter, id_taken: bool) -> dict:
    entry = {"device_id": device.device_id, "seq": cmd.seq, "command_id": cmd.command_id, "hall_id": device.hall_id,
             "name": cmd.name, "version": cmd.version, "args": _logged_args(plan, cmd), "base": cmd.base,
             "hlc": cmd.hlc,
             "received_at": now, "status": "accepted", "code": None, "message": "", "http_status": 200,
             "details": {}, "result": {}, "server_seq": 0}
    ctx = CommandContext(session, device, now, cmd.seq, cmd.command_id, cmd.hlc, writer, plan.prepared)
    spec = plan.spec
    try:
        if id_taken:
            # Recorded under a stand-in id (the log's command_id is unique), the sent id kept in the details:
            # the command id stays recorded once, the device's seq advances and it is told why.
            entry["command_id"] = stand_in_id(device.device_id, cmd.seq)
            raise Rejected("command_id_reused", "命令编号已被另一条命令使用（command_id already used at another seq）",
                           status=409, reused_command_id=cmd.command_id)
        if plan.refusal is not None:
            raise plan.refusal
        entry["result"] = spec.run(session, ctx, plan.args, cmd.base)  # the spec owns savepoint and mapping
        writer.keep(ctx.changes, ctx.deferred)
        entry["server_seq"] = ctx.last_change
    except Rejected as exc:
        _reject(entry, exc.code, exc.message, exc.status, exc.details)
    except IntegrityError as exc:
        log.warning("command %s v%s broke a constraint: %s", cmd.name, cmd.version, exc.orig)
        _reject(entry, "constraint_violated", "数据冲突，命令未执行（a uniqueness rule refused the command）", 409, {})
    except DBAPIError:
        raise  # transient (lock timeout, connection): the route answers 503 and the device retries
    except Exception:  # a handler bug must not wedge the device: record it as a rejection and go on
        log.exception("command handler %s v%s failed", cmd.name, cmd.version)
        _reject(entry, "handler_failed", "服务器处理该命令时出错（handler failed）", 500, {})
    return entry


def _logged_args(plan: Plan, cmd: CommandIn) -> dict:
    """What the command log keeps: the command's spec may seal personal values (its `logged_args`)."""
    return plan.logged(cmd.args, cmd.command_id) if plan.logged is not None else cmd.args


def _reject(entry: dict, code: str, message: str, status: int, details: dict) -> None:
    entry.update(status="rejected", code=code, message=message[:300], http_status=status, details=details,
                 result={}, server_seq=0)


def stand_in_id(device_id: str, seq: int) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"govhall:reused-command-id:{device_id}:{seq}"))


def sent_id(entry: dict) -> str:
    """The command id the device sent (a reused one is logged under a stand-in)."""
    return (entry.get("details") or {}).get("reused_command_id") or entry["command_id"]


def result_of(entry: dict, *, replayed: bool = False) -> CommandResult:
    return CommandResult(seq=entry["seq"], command_id=sent_id(entry), status=entry["status"],
                         code=entry["code"], message=entry["message"], http_status=entry["http_status"],
                         details=entry["details"] or {}, result=entry["result"] or {},
                         server_seq=entry["server_seq"], replayed=replayed)
