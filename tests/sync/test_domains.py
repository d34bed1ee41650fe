"""Server domains register one way (server/domain.py, listed once in server/main.py), and a CommandSpec owns
its savepoint and the mapping of its domain's errors: a refusal leaves nothing of the command behind, except
what a RejectedWithRecord asks to keep."""

from __future__ import annotations

import datetime as dt
import shutil
import uuid
from pathlib import Path

import pytest
from pydantic import BaseModel
from sqlalchemy import func, select

from server.core.settings import Settings
from server.domain import registry_of
from server.main import DOMAINS, create_app, default_registry
from server.store.database import Database
from server.sync.changes import ChangeWriter
from server.sync.devices import DeviceContext
from server.sync.models import SyncFact
from server.sync.registry import CommandContext, CommandSpec, Rejected, RejectedWithRecord
from shared.errors import DomainError
from tests.sync.harness.world import template_db
from tests.sync.support import FakeClock, demo_hall

NOW = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.timezone.utc)


class NoArgs(BaseModel):
    pass


@pytest.fixture
def db(tmp_path: Path) -> Database:
    shutil.copy(template_db(), tmp_path / "server.sqlite3")
    database = Database(f"sqlite:///{tmp_path / 'server.sqlite3'}")
    yield database
    database.dispose()


def test_every_command_and_job_comes_from_a_listed_domain(db: Database, tmp_path) -> None:  # noqa: ANN001
    assert [d.name for d in DOMAINS] == ["sync", "queue", "approval", "notify", "rating", "attachments", "archive"]
    registry = default_registry()
    prefixes = {name.split(".")[0] for name in registry.names()}
    assert prefixes == {"fact", "entity", "number", "queue", "approval", "rating"}
    app = create_app(Settings(migrate_on_start=False, data_dir=tmp_path), database=db, clock=FakeClock())
    assert set(app.state.sync_registry.specs) == set(registry_of(DOMAINS).specs)
    assert {n.split(".")[0] for n in app.state.scheduler.jobs} == {"queue", "approval", "notify", "attachments", "archive"}
    # The spec, not a wrapper around the handler, owns the savepoint and the error mapping.
    for spec in registry.specs.values():
        if spec.name.startswith(("queue.", "approval.", "rating.")):
            assert spec.savepoint == "orm" or spec.name == "queue.issue"  # issue: chosen per ticket
            assert spec.rejection.__module__ != "server.sync.registry"
            assert spec.handler.__module__.startswith(("server.queue", "server.approval", "server.rating"))


def _fact(ctx: CommandContext, kind: str) -> SyncFact:
    fact = SyncFact(id=str(uuid.uuid4()), hall_id=ctx.device.hall_id, kind=kind, body={}, device_id="d", hlc="")
    ctx.session.add(fact)
    ctx.publish("sync_fact", fact.id, {"id": fact.id})
    return fact


def _facts(db: Database, kind: str) -> int:
    with db.read_session() as session:
        return session.scalar(select(func.count()).select_from(SyncFact).where(SyncFact.kind == kind))


def run(db: Database, spec: CommandSpec) -> tuple[Exception | None, int]:
    """Run `spec` as a push would; (what it raised, how many changes the push keeps)."""
    hall_id, _ = demo_hall(db)
    raised = None
    with db.session() as session:
        writer = ChangeWriter(session, hall_id, NOW)
        ctx = CommandContext(session, DeviceContext("dev", hall_id, "workstation", None), NOW, 1, "c", "", writer)
        try:
            spec.run(session, ctx, NoArgs(), None)
            writer.keep(ctx.changes, ctx.deferred)
        except Rejected as exc:
            raised = exc
        kept = len(writer.rows)
        writer.finish()
    return raised, kept


def test_a_domain_error_is_mapped_by_the_spec_and_rolled_back(db: Database) -> None:
    def handler(session, ctx, args, base):  # noqa: ANN001, ANN202
        _fact(ctx, "half-done")
        session.flush()
        raise DomainError("window busy", code="window_busy", window=3)

    mapped = CommandSpec("test.busy", 1, NoArgs, handler,
                         rejection=lambda e: Rejected(e.code, "窗口忙", status=409, **e.details))
    raised, kept = run(db, mapped)
    assert isinstance(raised, Rejected) and (raised.code, raised.message) == ("window_busy", "窗口忙")
    assert raised.details == {"window": 3}
    assert kept == 0 and _facts(db, "half-done") == 0
    raised, _ = run(db, CommandSpec("test.plain", 1, NoArgs, handler))  # no mapping: the code as it is
    assert (raised.code, raised.message) == ("window_busy", "window busy")


def test_a_rejection_with_a_record_keeps_only_the_record(db: Database) -> None:
    def handler(session, ctx, args, base):  # noqa: ANN001, ANN202
        _fact(ctx, "undone")
        session.flush()
        raise RejectedWithRecord("claimed_elsewhere", "该号已被其他窗口呼叫", lambda s, c: _fact(c, "record"))

    raised, kept = run(db, CommandSpec("test.record", 1, NoArgs, handler))
    assert isinstance(raised, RejectedWithRecord) and raised.code == "claimed_elsewhere"
    assert kept == 1 and _facts(db, "record") == 1 and _facts(db, "undone") == 0


def test_an_accepted_command_keeps_its_writes(db: Database) -> None:
    raised, kept = run(db, CommandSpec("test.ok", 1, NoArgs, lambda s, ctx, a, b: {"id": _fact(ctx, "ok").id}))
    assert raised is None and kept == 1 and _facts(db, "ok") == 1
