"""Applying a push: one transaction, a savepoint per command, idempotent by (device, seq) and command id.
A rejected command is recorded and still advances the device's last_seq, so a device is never stuck."""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from server.sync.devices import DeviceContext
from server.sync.models import CommandLog, SyncDevice
from server.sync.registry import CommandContext, Registry, Rejected
from server.sync.errors import SyncError
from shared.protocol.sync import CommandIn, CommandResult

log = logging.getLogger("govhall.sync")


class PushError(SyncError):
    """The whole push is refused and nothing of it is applied."""


def lock_device(session: Session, device_id: str) -> SyncDevice:
    # FOR UPDATE serialises two pushes of one device on PostgreSQL; SQLite's BEGIN IMMEDIATE already does.
    return session.scalars(select(SyncDevice).where(SyncDevice.device_id == device_id).with_for_update()).one()


def apply_push(session: Session, registry: Registry, device: DeviceContext, commands: list[CommandIn],
               now: dt.datetime) -> tuple[int, list[CommandResult], int]:
    """Returns (last_seq, results, highest cursor published). Raises PushError for a gap or a reused seq."""
    cred = lock_device(session, device.device_id)
    cred.last_seen_at = now
    results: list[CommandResult] = []
    published = 0
    for cmd in commands:
        if cmd.seq <= cred.last_seq:
            results.append(_replay(session, device.device_id, cmd))
            continue
        if cmd.seq != cred.last_seq + 1:
            raise PushError(409, "seq_gap", f"命令序号不连续（expected seq {cred.last_seq + 1}, got {cmd.seq}）",
                            expected=cred.last_seq + 1, got=cmd.seq)
        entry = _apply_one(session, registry, device, cmd, now)
        session.add(entry)
        cred.last_seq = cmd.seq
        published = max(published, entry.server_seq)
        results.append(result_of(entry))
    session.flush()
    return cred.last_seq, results, published


def _replay(session: Session, device_id: str, cmd: CommandIn) -> CommandResult:
    stored = session.scalars(select(CommandLog).where(CommandLog.device_id == device_id,
                                                      CommandLog.seq == cmd.seq)).one_or_none()
    if stored is None:
        session.flush()  # the same seq earlier in this very batch
        stored = session.scalars(select(CommandLog).where(CommandLog.device_id == device_id,
                                                          CommandLog.seq == cmd.seq)).one()
    if stored.command_id != cmd.command_id:
        raise PushError(409, "seq_reused", f"序号 {cmd.seq} 已用于另一条命令（seq already used by another command）",
                        seq=cmd.seq, stored_command_id=stored.command_id)
    return result_of(stored, replayed=True)


def _apply_one(session: Session, registry: Registry, device: DeviceContext, cmd: CommandIn,
               now: dt.datetime) -> CommandLog:
    entry = CommandLog(device_id=device.device_id, seq=cmd.seq, command_id=cmd.command_id, hall_id=device.hall_id,
                       name=cmd.name, version=cmd.version, args=cmd.args, base=cmd.base, hlc=cmd.hlc,
                       received_at=now, status="accepted", code=None, message="", http_status=200, details={},
                       result={}, server_seq=0)
    ctx = CommandContext(session, device, now, cmd.seq, cmd.command_id, cmd.hlc)
    try:
        if session.scalar(select(CommandLog.id).where(CommandLog.command_id == cmd.command_id)) is not None:
            raise Rejected("duplicate_command_id", "命令编号重复（command_id already used）", status=409)
        spec = registry.resolve(cmd.name, cmd.version, device)
        args = registry.parse_args(spec, cmd.args)
        with session.begin_nested():
            entry.result = spec.handler(session, ctx, args, cmd.base) or {}
            session.flush()  # constraint failures surface here, inside the savepoint
        entry.server_seq = ctx.last_change
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


def _reject(entry: CommandLog, code: str, message: str, status: int, details: dict) -> None:
    entry.status, entry.code, entry.message = "rejected", code, message[:300]
    entry.http_status, entry.details, entry.result, entry.server_seq = status, details, {}, 0


def result_of(entry: CommandLog, *, replayed: bool = False) -> CommandResult:
    return CommandResult(seq=entry.seq, command_id=entry.command_id, status=entry.status, code=entry.code,
                         message=entry.message, http_status=entry.http_status, details=entry.details or {},
                         result=entry.result or {}, server_seq=entry.server_seq, replayed=replayed)
