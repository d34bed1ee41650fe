"""The command registry. Each command is (name, version, args schema, who may send it, handler). Handlers are
deterministic: given the database state, the device and the args, they accept (returning a JSON result and
publishing their changes through `ctx.publish`) or raise: Rejected, or a DomainError that the spec's
`rejection` turns into one. Each domain registers its own through its server.domain.Domain (server/main.py
lists the domains once):

    registry.register(CommandSpec("queue.claim", 1, ClaimArgs, handle_claim,
                                  kinds={"workstation"}, roles={"clerk"}, rejection=rejected_from))

`CommandSpec.run` is the one way a handler runs (a push, or a server job acting as a device): inside the
spec's savepoint, domain errors mapped to rejections, a RejectedWithRecord's record kept. A new version of a
command is a new spec registered beside the old one, so devices not yet upgraded keep working.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ValidationError
from sqlalchemy import Table
from sqlalchemy.orm import Session

from server.sync.changes import ChangeWriter
from server.sync.devices import DeviceContext
from shared.errors import DomainError
from shared.protocol.base import walked


class Rejected(DomainError):
    """A permanent, recorded refusal of one command. `status` is the HTTP status it stands for."""

    def __init__(self, code: str, message: str, *, status: int = 409, **details: Any) -> None:
        super().__init__(message, code=code, **details)
        self.status = status


class RejectedWithRecord(Rejected):
    """A rejection that still writes something: `record(session, ctx)` runs after the command's own changes
    were rolled back, and what it publishes is kept (a lost claim is kept as a `queue_call` row)."""

    def __init__(self, code: str, message: str, record: Callable[[Session, CommandContext], None], *,
                 status: int = 409, **details: Any) -> None:
        super().__init__(code, message, status=status, **details)
        self.record = record


def plain_rejection(error: DomainError) -> Rejected:
    """A domain refusal with no mapping of its own: its code and message as they are."""
    details = {k: v for k, v in error.details.items() if k != "code"}
    return Rejected(error.code, error.message, **details)


@dataclass
class CommandContext:
    """What a handler may use besides the session: who sent it, when, and how to publish a change (kept
    only if the command is accepted)."""
    session: Session
    device: DeviceContext
    now: dt.datetime
    seq: int
    command_id: str
    hlc: str
    writer: ChangeWriter
    prepared: Any = None  # what the spec's `prepare` loaded for the whole push, if it has one
    changes: list[dict] = field(default_factory=list)
    deferred: list[tuple[Table, dict]] = field(default_factory=list)

    def insert_later(self, table: Table, row: dict) -> None:
        """Insert `row` with the push's other deferred rows of `table` in one statement (kept only if the
        command is accepted). The rows go in before any command of another spec, or in a savepoint, runs (so
        those may read them back); the spec's own savepoint-free commands must not read them from the
        database (server.queue.issue_batch keeps its own view instead)."""
        self.deferred.append((table, row))

    def publish(self, table: str, pk: str, row: dict | None, *, scope: str | None = None) -> int:
        """Publish a row (None: a tombstone) to a scope of the device's hall (default: the hall scope)."""
        change = self.writer.change(scope or f"hall:{self.device.hall_id}", table, pk, row)
        self.changes.append(change)
        return change["seq"]

    @property
    def last_change(self) -> int:
        return self.changes[-1]["seq"] if self.changes else 0


Handler = Callable[[Session, CommandContext, Any, dict | None], dict]
Savepoint = Literal["orm", "core", "none"]


@dataclass(frozen=True)
class CommandSpec:
    name: str
    version: int
    args: type[BaseModel]
    handler: Handler
    kinds: frozenset[str] = frozenset({"workstation", "dispenser", "evaluator"})
    roles: frozenset[str] | None = None  # None: no staff login needed; else one of these roles
    # "orm": the handler uses ORM objects (an ORM savepoint also rolls those back); "core": Core statements
    # only (a bare SAVEPOINT will do); "none": at most one write, as its last step, rejections before it.
    # A callable chooses per command from its parsed args (e.g. "none" for the plain case, "orm" otherwise).
    savepoint: Savepoint | Callable[[Any], Savepoint] = "orm"
    # Called once per push with the parsed args of all its commands of this spec (e.g. one query for all
    # the rows they touch); the result reaches each handler as ctx.prepared. None: no batch loading.
    prepare: Callable[[Session, list[Any]], Any] | None = None
    # The domain's mapping of its errors (codes, Chinese messages, HTTP-like statuses) to rejections.
    rejection: Callable[[DomainError], Rejected] = plain_rejection
    # The args as the command log keeps them (args, command_id) → args: personal values sealed or withheld.
    # None: kept as sent.
    logged_args: Callable[[dict, str], dict] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "kinds", frozenset(self.kinds))
        if self.roles is not None:
            object.__setattr__(self, "roles", frozenset(self.roles))

    def run(self, session: Session, ctx: CommandContext, args: Any, base: dict | None) -> dict:
        """Run the handler in the spec's savepoint; every refusal leaves as a Rejected, with nothing of the
        command's own writes kept (a RejectedWithRecord's record is written and kept after the rollback)."""
        mode = self.savepoint_for(args)
        # Rows deferred by earlier commands go in first, outside this command's savepoint, unless this is
        # another savepoint-free command of the spec that deferred them (which never reads them back).
        ctx.writer.flush_deferred_unless(self, mode)
        try:
            with self._savepoint(session, mode):
                try:
                    result = self.handler(session, ctx, args, base) or {}
                except Rejected:
                    raise
                except DomainError as exc:
                    raise self.rejection(exc) from None
                if mode == "orm":
                    session.flush()  # constraint failures surface here, inside the savepoint
            if ctx.deferred:
                ctx.writer.keep_deferred_of(self)  # the caller keeps ctx.deferred in the writer next
            return result
        except RejectedWithRecord as exc:
            ctx.changes.clear()
            ctx.deferred.clear()
            with session.begin_nested():
                exc.record(session, ctx)
                session.flush()
            ctx.writer.keep(ctx.changes, ctx.deferred)
            ctx.changes.clear()
            ctx.deferred.clear()
            raise
        except Rejected:
            ctx.changes.clear()
            ctx.deferred.clear()
            raise

    def savepoint_for(self, args: Any) -> Savepoint:
        return self.savepoint(args) if callable(self.savepoint) else self.savepoint

    @staticmethod
    def _savepoint(session: Session, mode: Savepoint) -> AbstractContextManager:
        """An ORM savepoint also rolls back the session's objects; a bare SAVEPOINT costs a fraction of it;
        "none" is for handlers that write at most once, as their last step."""
        if mode == "orm":
            return session.begin_nested()
        return session.connection().begin_nested() if mode == "core" else nullcontext()


@dataclass
class Registry:
    specs: dict[tuple[str, int], CommandSpec] = field(default_factory=dict)

    def register(self, spec: CommandSpec) -> None:
        key = (spec.name, spec.version)
        if key in self.specs:
            raise ValueError(f"command {spec.name} v{spec.version} is already registered")
        self.specs[key] = spec

    def names(self) -> list[str]:
        return sorted({n for n, _ in self.specs})

    def logged_args(self, name: str) -> Callable[[dict, str], dict] | None:
        """How the log keeps this command's args, whatever its version and whoever sent it (a refused
        command's args are kept too, and are as personal)."""
        return next((s.logged_args for (n, _), s in self.specs.items() if n == name and s.logged_args), None)

    def resolve(self, name: str, version: int, device: DeviceContext) -> CommandSpec:
        """The spec for a command this device may send, or Rejected with a specific code."""
        spec = self.specs.get((name, version))
        if spec is None:
            known = sorted(v for n, v in self.specs if n == name)
            if known:
                raise Rejected("unknown_command_version", f"命令版本不受支持（{name} v{version}）", status=422,
                               supported=known)
            raise Rejected("unknown_command", f"未知命令（{name}）", status=422)
        if device.kind not in spec.kinds:
            raise Rejected("command_not_allowed", f"此类设备不能发送该命令（{device.kind} may not send {name}）",
                           status=403, kind=device.kind)
        if spec.roles is not None and not spec.roles & device.roles:
            raise Rejected("role_required", f"当前登录人员无权执行该命令（{name} needs one of {sorted(spec.roles)}）",
                           status=403, required=sorted(spec.roles))
        return spec

    def parse_args(self, spec: CommandSpec, args: dict) -> BaseModel:
        """`args` of a command of a validated push (PushRequest), whose validation walked them already."""
        try:
            with walked():
                return spec.args.model_validate(args)
        except ValidationError as exc:
            problems = [{"field": ".".join(str(p) for p in e["loc"]), "type": e["type"]} for e in exc.errors()]
            raise Rejected("invalid_args", f"命令参数有误（invalid args for {spec.name}）", status=422,
                           problems=problems) from None
